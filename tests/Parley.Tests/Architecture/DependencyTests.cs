using NetArchTest.Rules;

namespace Parley.Tests.Architecture;

/// <summary>
/// The feature folders of Parley.Server depend on each other one way, from higher layers to lower
/// ones (docs/architecture.md). The compiled server is read (types, signatures and method bodies)
/// and every folder-to-folder dependency must go down or sideways within a layer.
/// </summary>
public sealed class DependencyTests
{
    /// <summary>Lowest first; a folder may use its own layer and the layers before it.</summary>
    public static readonly string[][] Layers =
    [
        ["Infrastructure", "Storage"],
        ["Tenants", "Users", "Auth", "ApiKeys"],
        ["Understanding", "Knowledge", "ConversationModel", "Plans", "Integrations", "Tools", "Assistants", "Tickets"],
        ["Conversations"],
        ["Handoff", "Realtime", "Webhooks", "Notifications", "Analytics", "Tasks", "Evaluation"],
        ["Widget", "WebConsole", "Operations", "Desk"],
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
    public void Dependencies_point_down_the_layers()
    {
        var upward = Edges().Where(e => Layer(e.To) > Layer(e.From)).Select(e => $"{e.From} -> {e.To}").Order().ToList();
        Assert.True(upward.Count == 0, "Dependencies up the layers (docs/architecture.md):\n" + string.Join('\n', upward));
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
