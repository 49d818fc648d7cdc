using NetArchTest.Rules;

namespace Parley.Tests.Architecture;

/// <summary>
/// The feature folders of Parley.Server depend on each other one way, from higher layers to lower
/// ones (docs/architecture.md). The compiled server is read (types, signatures and method bodies)
/// and every folder-to-folder dependency must go down or sideways within a layer, or be one of the
/// <see cref="KnownBackEdges"/>, the debt still to pay, listed here and nowhere else.
/// </summary>
public sealed class DependencyTests
{
    /// <summary>Lowest first; a folder may use its own layer and the layers before it.</summary>
    public static readonly string[][] Layers =
    [
        ["Infrastructure", "Storage"],
        ["Tenants", "Users", "Auth", "ApiKeys", "Plans"],
        ["Understanding", "Knowledge", "Integrations", "Tools", "Assistants", "Tickets"],
        ["Conversations"],
        ["Handoff", "Realtime", "Webhooks", "Notifications", "Analytics", "Tasks", "Evaluation"],
        ["Widget", "WebConsole", "Operations", "Desk"],
    ];

    /// <summary>Dependencies that point up a layer today. Remove a line when its dependency is gone (the test says so).</summary>
    /// <remarks>Storage's are ParleyDb's DbSets of feature entities; "X → Conversations" are the conversation
    /// entities (a smaller conversation-model layer would remove them). docs/architecture.md says why each remains.</remarks>
    public static readonly HashSet<(string From, string To)> KnownBackEdges =
    [
        ("Assistants", "Conversations"),
        ("Auth", "Notifications"),
        ("Plans", "Conversations"),
        // The conversation sockets and SSE routes mark themselves open to widget visitors and ask the
        // visitor gate about a token that arrives in the first socket frame.
        ("Realtime", "Widget"),
        ("Storage", "ApiKeys"),
        ("Storage", "Auth"),
        ("Storage", "Conversations"),
        ("Storage", "Tenants"),
        ("Storage", "Users"),
        ("Tickets", "Conversations"),
        ("Tools", "Conversations"),
    ];

    [Fact]
    public void Every_server_folder_is_in_a_layer()
    {
        var folders = typeof(Program).Assembly.GetTypes()
            .Select(t => t.Namespace)
            .Where(n => n is not null && n.StartsWith("Parley.Server.", StringComparison.Ordinal))
            .Select(n => n!.Split('.')[2])
            .ToHashSet();
        var layered = Layers.SelectMany(l => l).ToHashSet();
        Assert.Empty(folders.Except(layered).Order());
    }

    [Fact]
    public void Dependencies_point_down_the_layers_except_the_known_back_edges()
    {
        var edges = Edges();
        var backEdges = edges.Where(e => Layer(e.To) > Layer(e.From)).ToHashSet();
        var unexpected = backEdges.Except(KnownBackEdges).Select(e => $"(\"{e.From}\", \"{e.To}\"),").Order().ToList();
        var paidOff = KnownBackEdges.Except(backEdges).Select(e => $"(\"{e.From}\", \"{e.To}\"),").Order().ToList();
        Assert.True(unexpected.Count == 0, "Dependencies up the layers (docs/architecture.md):\n" + string.Join('\n', unexpected));
        Assert.True(paidOff.Count == 0, "Known back-edges that no longer exist; remove them from KnownBackEdges:\n" + string.Join('\n', paidOff));
    }

    private static int Layer(string folder) => Array.FindIndex(Layers, l => l.Contains(folder));

    private static List<(string From, string To)> Edges()
    {
        var folders = Layers.SelectMany(l => l).ToList();
        var edges = new List<(string, string)>();
        foreach (var from in folders)
        {
            foreach (var to in folders.Where(f => f != from))
            {
                var result = Types.InAssembly(typeof(Program).Assembly).That().ResideInNamespace("Parley.Server." + from)
                    .ShouldNot().HaveDependencyOn("Parley.Server." + to).GetResult();
                if (!result.IsSuccessful)
                {
                    edges.Add((from, to));
                }
            }
        }

        return edges;
    }
}
