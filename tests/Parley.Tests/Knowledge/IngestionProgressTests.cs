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
/// An OpenAI-compatible <c>/v1/embeddings</c> server that answers one passage request per <see cref="Release"/>,
/// so a test can hold the filling in of vectors between two batches and look at the source meanwhile. Passages
/// are told from queries by their newline (title, newline, text): a search's query vector is answered at once.
/// <see cref="Open"/> answers everything without waiting; <see cref="Fail"/> answers passage requests 503.
/// </summary>
public sealed class GatedEmbeddingServer : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(0);
    private readonly List<string> _passages = [];
    private WebApplication _app = null!;
    private volatile bool _open;
    private volatile bool _fail;

    public Uri BaseAddress { get; private set; } = null!;

    private int _requests;

    /// <summary>Passage requests received (answered or waiting).</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Every passage sent to be embedded, in order (a re-sent one appears twice).</summary>
    public IReadOnlyList<string> Passages
    {
        get
        {
            lock (_passages)
            {
                return [.. _passages];
            }
        }
    }

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
            var inputs = body.RootElement.GetProperty("input").EnumerateArray().Select(e => e.GetString() ?? "").ToList();
            if (inputs.Any(i => i.Contains('\n', StringComparison.Ordinal)))
            {
                lock (server._passages)
                {
                    server._passages.AddRange(inputs);
                }

                Interlocked.Increment(ref server._requests);
                if (server._fail)
                {
                    return Results.Json(new { error = new { message = "model not loaded" } }, statusCode: 503);
                }

                if (!server._open)
                {
                    await server._gate.WaitAsync(http.RequestAborted);
                }
            }

            return Results.Json(new { @object = "list", data = inputs.Select((_, i) => new { @object = "embedding", index = i, embedding = new float[] { 1, i + 1, 0.5f } }), model = "gated" });
        });
        await server._app.StartAsync();
        server.BaseAddress = new Uri(server._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        return server;
    }

    /// <summary>Lets <paramref name="count"/> more passage requests answer.</summary>
    public void Release(int count = 1) => _gate.Release(count);

    /// <summary>From now on every request answers at once.</summary>
    public void Open()
    {
        _open = true;
        _gate.Release(1000);
    }

    /// <summary>Passage requests answer 503 (true) or as before (false).</summary>
    public void Fail(bool fail) => _fail = fail;

    public async ValueTask DisposeAsync()
    {
        _gate.Release(1000);
        await _app.DisposeAsync();
        _gate.Dispose();
    }
}

/// <summary>
/// Parley whose vectors come one passage per request (and are stored one passage per transaction) from a
/// <see cref="GatedEmbeddingServer"/>, on SQLite or PostgreSQL; <paramref name="extra"/> settings win, and a
/// <paramref name="sharedPostgres"/> database is left for its owner to drop (a restart test opens it twice).
/// </summary>
public sealed class GatedEmbeddingApp(Uri fake, bool postgres, IReadOnlyDictionary<string, string?>? extra = null, string? sharedPostgres = null) : ParleyApp
{
    private readonly string? _postgres = sharedPostgres ?? (postgres ? PostgresDatabases.Create() : null);

    protected override IEnumerable<KeyValuePair<string, string?>> Settings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Parley:Knowledge:Embeddings:BaseUrl"] = new Uri(fake, "/v1").ToString(),
            ["Parley:Knowledge:Embeddings:Model"] = "gated",
            ["Parley:Knowledge:Embeddings:BatchSize"] = "1",
            ["Parley:Knowledge:Embeddings:FillBatchSize"] = "1",
            ["Parley:Knowledge:Embeddings:RefreshSeconds"] = "0",
            ["Parley:Knowledge:Embeddings:TimeoutSeconds"] = "600",
            ["Parley:Knowledge:ChunkChars"] = "200",
            ["Parley:Knowledge:ChunkOverlapChars"] = "0",
            ["Parley:Outbound:Allow:0"] = "127.0.0.1",
        };
        if (_postgres is not null)
        {
            settings["Parley:Database:Postgres"] = _postgres;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_postgres is not null && sharedPostgres is null)
        {
            PostgresDatabases.Drop(_postgres);
        }
    }
}

/// <summary>
/// Ingestion progress through the API and Parley.Client: <c>progress: {done, total}</c> counts the passages
/// stored (the source is ready, searchable by keywords, without waiting for vectors); <c>embeddings</c> then
/// counts the passages given a vector, batch by batch, and is whole once its state is ready.
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

    public static async Task<KnowledgeSource> WaitForAsync(ParleyClient client, Guid id, Func<KnowledgeSource, bool> condition)
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
    public async Task Progress_counts_the_passages_stored_then_the_embeddings_count_the_vectors_batch_by_batch()
    {
        var admin = await _app.CreateTenantWithAdminAsync();
        var client = new ParleyClient(new HttpClient { BaseAddress = _app.BaseAddress });
        client.UseTokens(new ParleyTokens(admin.AccessToken, admin.RefreshToken));

        var accepted = await client.Knowledge.CreateAsync(new { name = "Zones", type = "document", content = FourPassages() });
        Assert.Equal("pending", accepted.Source!.Embeddings!.State);
        var ready = await WaitForAsync(client, accepted.Id, s => s.IsSettled);
        var total = ready.ChunkCount;
        Assert.True(total >= 3, $"expected several passages, got {total}");
        Assert.Equal("ready", ready.Status);
        Assert.Equal(total, ready.Progress!.Done);
        Assert.Equal(total, ready.Progress.Total);
        Assert.Equal(100, ready.PercentIndexed);
        Assert.Contains(ready.Embeddings!.State, new[] { "pending", "running" });
        Assert.Equal(0, ready.Embeddings.Done);
        Assert.Equal(total, ready.Embeddings.Total);
        Assert.Equal("gated", ready.Embeddings.Model);

        _fake.Release();
        var one = await WaitForAsync(client, accepted.Id, s => s.Embeddings?.Done >= 1);
        Assert.Equal(1, one.Embeddings!.Done);
        Assert.Equal("running", one.Embeddings.State);
        Assert.Equal(100 / total, one.Embeddings.Percent);
        var status = await client.Knowledge.StatusAsync(accepted.Id);
        Assert.Equal(1, status.Embeddings!.Done);
        Assert.Equal("ready", status.Status);

        _fake.Release(total - 1);
        var embedded = await WaitForAsync(client, accepted.Id, s => s.Embeddings!.IsSettled);
        Assert.Equal("ready", embedded.Embeddings!.State);
        Assert.Equal(total, embedded.Embeddings.Done);
        Assert.Equal(100, embedded.Embeddings.Percent);
        Assert.Null(embedded.Error);
        Assert.Equal(total, _fake.Requests);
    }
}

public sealed class SqliteIngestionProgressTests() : IngestionProgressTests(postgres: false);

public sealed class PostgresIngestionProgressTests() : IngestionProgressTests(postgres: true);
