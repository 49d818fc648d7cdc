using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Parley.Client;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Knowledge;

/// <summary>
/// An OpenAI-compatible <c>/v1/embeddings</c> server that answers one request per <see cref="Release"/>,
/// so a test can hold an ingestion between two batches and look at its progress.
/// </summary>
public sealed class GatedEmbeddingServer : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(0);
    private WebApplication _app = null!;

    public Uri BaseAddress { get; private set; } = null!;

    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    public static async Task<GatedEmbeddingServer> StartAsync()
    {
        var server = new GatedEmbeddingServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        server._app = builder.Build();
        server._app.Urls.Add("http://127.0.0.1:0");
        server._app.MapPost("/v1/embeddings", async (HttpContext http) =>
        {
            using var body = await System.Text.Json.JsonDocument.ParseAsync(http.Request.Body);
            Interlocked.Increment(ref server._requests);
            await server._gate.WaitAsync(http.RequestAborted);
            var inputs = body.RootElement.GetProperty("input").GetArrayLength();
            return Results.Json(new { @object = "list", data = Enumerable.Range(0, inputs).Select(i => new { @object = "embedding", index = i, embedding = new float[] { 1, i + 1, 0.5f } }), model = "gated" });
        });
        await server._app.StartAsync();
        server.BaseAddress = new Uri(server._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        return server;
    }

    /// <summary>Lets <paramref name="count"/> more embedding requests answer.</summary>
    public void Release(int count = 1) => _gate.Release(count);

    public async ValueTask DisposeAsync()
    {
        _gate.Release(1000);
        await _app.DisposeAsync();
        _gate.Dispose();
    }
}

/// <summary>Parley whose embeddings come one passage per request from a <see cref="GatedEmbeddingServer"/>, on SQLite or PostgreSQL.</summary>
public sealed class GatedEmbeddingApp(Uri fake, bool postgres) : ParleyApp
{
    private readonly string? _postgres = postgres ? PostgresDatabases.Create() : null;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings()
    {
        IEnumerable<KeyValuePair<string, string?>> settings =
        [
            new("Parley:Knowledge:Embeddings:BaseUrl", new Uri(fake, "/v1").ToString()),
            new("Parley:Knowledge:Embeddings:Model", "gated"),
            new("Parley:Knowledge:Embeddings:BatchSize", "1"),
            new("Parley:Knowledge:Embeddings:TimeoutSeconds", "600"),
            new("Parley:Knowledge:ChunkChars", "200"),
            new("Parley:Knowledge:ChunkOverlapChars", "0"),
            new("Parley:Outbound:Allow:0", "127.0.0.1"),
        ];
        return _postgres is null ? settings : settings.Append(new("Parley:Database:Postgres", _postgres));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_postgres is not null)
        {
            PostgresDatabases.Drop(_postgres);
        }
    }
}

/// <summary>
/// Ingestion progress through the API and Parley.Client: <c>progress: {done, total}</c> counts the
/// passages embedded as the worker goes, batch by batch, and is every passage once ready.
/// </summary>
public abstract class IngestionProgressTests(bool postgres) : IAsyncLifetime
{
    private GatedEmbeddingServer _fake = null!;
    private GatedEmbeddingApp _app = null!;

    public async Task InitializeAsync()
    {
        _fake = await GatedEmbeddingServer.StartAsync();
        _app = new GatedEmbeddingApp(_fake.BaseAddress, postgres);
        await _app.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _fake.DisposeAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Four paragraphs of about 180 characters: four passages of at most 200.</summary>
    public static string FourPassages() => string.Join("\n\n", Enumerable.Range(1, 4).Select(i =>
        $"Section {i}. " + string.Join(' ', Enumerable.Repeat($"Parcels of zone {i} travel by courier and arrive within {i + 2} working days.", 2))));

    private static async Task<KnowledgeSource> WaitForAsync(ParleyClient client, Guid id, Func<KnowledgeSource, bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            var source = await client.Knowledge.GetAsync(id, timeout.Token);
            if (condition(source))
            {
                return source;
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    [Fact]
    public async Task Progress_counts_the_passages_embedded_batch_by_batch_and_is_whole_once_ready()
    {
        var admin = await _app.CreateTenantWithAdminAsync();
        var client = new ParleyClient(new HttpClient { BaseAddress = _app.BaseAddress });
        client.UseTokens(new ParleyTokens(admin.AccessToken, admin.RefreshToken));

        var accepted = await client.Knowledge.CreateAsync(new { name = "Zones", type = "document", content = FourPassages() });
        var cut = await WaitForAsync(client, accepted.Id, s => s.Progress is { Total: > 0 });
        var total = cut.Progress!.Total;
        Assert.True(total >= 3, $"expected several passages, got {total}");
        Assert.Equal("processing", cut.Status);
        Assert.Equal(0, cut.Progress.Done);
        Assert.Equal(0, cut.PercentIndexed);

        _fake.Release();
        var one = await WaitForAsync(client, accepted.Id, s => s.Progress?.Done >= 1);
        Assert.Equal(1, one.Progress!.Done);
        Assert.Equal(total, one.Progress.Total);
        Assert.Equal(100 / total, one.PercentIndexed);
        var status = await client.Knowledge.StatusAsync(accepted.Id);
        Assert.Equal(1, status.Progress!.Done);

        _fake.Release(total - 1);
        var ready = await WaitForAsync(client, accepted.Id, s => s.IsSettled);
        Assert.Equal("ready", ready.Status);
        Assert.Equal(total, ready.ChunkCount);
        Assert.Equal(total, ready.Progress!.Done);
        Assert.Equal(total, ready.Progress.Total);
        Assert.Equal(100, ready.PercentIndexed);
        Assert.Equal(total, _fake.Requests);
    }
}

public sealed class SqliteIngestionProgressTests() : IngestionProgressTests(postgres: false);

public sealed class PostgresIngestionProgressTests() : IngestionProgressTests(postgres: true);
