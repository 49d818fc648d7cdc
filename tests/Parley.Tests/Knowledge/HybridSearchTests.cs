using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Knowledge;

/// <summary>
/// An OpenAI-compatible <c>/v1/embeddings</c> server whose vectors put synonyms on the same axis
/// ("refund", "reimbursed", "money", "back"...), so a query with no word in common with a passage can
/// still be near it; it also serves a web page for URL sources.
/// </summary>
public sealed class FakeEmbeddingServer : IAsyncDisposable
{
    private static readonly string[][] Concepts =
    [
        ["refund", "refunds", "reimbursed", "reimburse", "money", "back"],
        ["ship", "shipping", "parcel", "parcels", "delivery", "courier"],
        ["password", "login", "credentials"],
    ];

    private readonly WebApplication _app;

    private FakeEmbeddingServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public List<string> Models { get; } = [];

    public static async Task<FakeEmbeddingServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        var server = new FakeEmbeddingServer(app);
        app.MapPost("/v1/embeddings", async (HttpContext http) =>
        {
            using var body = await JsonDocument.ParseAsync(http.Request.Body);
            lock (server.Models)
            {
                server.Models.Add(body.RootElement.GetProperty("model").GetString()!);
            }

            var inputs = body.RootElement.GetProperty("input").EnumerateArray().Select(e => e.GetString()!).ToList();
            return Results.Json(new { @object = "list", data = inputs.Select((t, i) => new { @object = "embedding", index = i, embedding = Vector(t) }), model = "fake-embed" });
        });
        app.MapGet("/page", () => Results.Content(
            "<html><head><title>Store hours</title></head><body><nav>Menu</nav><p>Our Lisbon store opens at ten on Sundays.</p></body></html>", "text/html"));
        await app.StartAsync();
        server.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        return server;
    }

    private static float[] Vector(string text)
    {
        var vector = new float[16];
        foreach (var word in text.ToLowerInvariant().Split(' ', '.', ',', '?', '\n'))
        {
            if (word.Length == 0)
            {
                continue;
            }

            var concept = Array.FindIndex(Concepts, c => c.Contains(word));
            vector[concept >= 0 ? concept : 3 + ((word.GetHashCode(StringComparison.Ordinal) & 0x7fffffff) % 13)] += concept >= 0 ? 3 : 1;
        }

        return vector;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

public sealed class EmbeddingApp(Uri fake) : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Parley:Knowledge:Embeddings:BaseUrl", new Uri(fake, "/v1").ToString()),
        new("Parley:Knowledge:Embeddings:Model", "fake-embed"),
        new("Parley:Knowledge:AllowUrlSources", "true"),
        new("Parley:Outbound:Allow:0", "127.0.0.1"),
    ];
}

/// <summary>Embeddings fused with BM25, and URL sources fetched through the guarded outbound client.</summary>
public sealed class HybridSearchTests : IAsyncLifetime
{
    private FakeEmbeddingServer _fake = null!;
    private EmbeddingApp _app = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeEmbeddingServer.StartAsync();
        _app = new EmbeddingApp(_fake.BaseAddress);
        await _app.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _fake.DisposeAsync();
    }

    [Fact]
    public async Task A_passage_with_no_shared_word_is_found_through_its_embedding()
    {
        var admin = await _app.CreateTenantWithAdminAsync();
        var accepted = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources",
            new { name = "Returns", type = "document", content = "Purchases are reimbursed within thirty days." }), 202);
        var ready = await KnowledgeWait.ReadyAsync(admin, accepted);
        Assert.Equal("fake-embed", ready.GetProperty("embedding_model").GetString());
        Assert.Contains("fake-embed", _fake.Models);

        var found = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/knowledge/search?q=money%20back"), 200);
        var top = found.GetProperty("results")[0];
        Assert.Equal("Returns", top.GetProperty("source").GetString());
        Assert.True(top.GetProperty("confidence").GetDouble() > 0.5);

        var other = await _app.CreateTenantWithAdminAsync();
        var isolated = await Json.ReadAsync(await other.Client.GetAsync("/api/v1/knowledge/search?q=money%20back"), 200);
        Assert.Equal(0, isolated.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_url_source_is_fetched_through_the_outbound_client_and_indexed()
    {
        var admin = await _app.CreateTenantWithAdminAsync();
        var accepted = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources",
            new { type = "url", url = new Uri(_fake.BaseAddress, "/page").ToString() }), 202);
        var ready = await KnowledgeWait.ReadyAsync(admin, accepted);
        Assert.Equal("url", ready.GetProperty("type").GetString());
        var hit = (await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/knowledge/search?q=lisbon%20sundays"), 200)).GetProperty("results")[0];
        Assert.Equal(new Uri(_fake.BaseAddress, "/page").ToString(), hit.GetProperty("url").GetString());
        Assert.DoesNotContain("Menu", hit.GetProperty("text").GetString());

        // Addresses outside the allowlist stay refused.
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources", new { type = "url", url = "http://10.1.2.3/x" }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources", new { type = "url", url = "ftp://example.com/x" }), 422);
    }
}
