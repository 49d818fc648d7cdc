using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Knowledge;
using Parley.Server.Storage;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Knowledge;

/// <summary>
/// Knowledge is searchable by keywords as soon as its passages are stored; vectors are filled in after, by a job of
/// their own (decision 0030). The embeddings endpoint holds every passage request until the test releases it, so
/// each test looks at a source whose vectors are held back, partly there, superseded or failing. The gated
/// endpoint gives every vector the same direction, so a query sharing no word with any passage ("xyzzy") finds
/// exactly the passages that have a vector.
/// </summary>
public abstract class KeywordsFirstTests(bool postgres) : IAsyncLifetime
{
    private const string NoSharedWord = "xyzzy";

    private GatedEmbeddingServer _fake = null!;
    private GatedEmbeddingApp _app = null!;

    public async Task InitializeAsync()
    {
        _fake = await GatedEmbeddingServer.StartAsync();
        _app = new GatedEmbeddingApp(_fake.BaseAddress, postgres, new Dictionary<string, string?> { ["Parley:Knowledge:MaxAttempts"] = "2" });
        await _app.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _fake.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_source_is_searchable_by_keywords_while_its_vectors_are_held_back_then_by_meaning_once_they_land()
    {
        var admin = await _app.CreateTenantWithAdminAsync();
        var id = await CreateAsync(admin, "Zones", IngestionProgressTests.FourPassages());

        // No embedding request has been answered, yet the source is ready and found by its words.
        var ready = await WaitAsync(admin, id, s => s.GetProperty("status").GetString() == "ready");
        var total = ready.GetProperty("chunk_count").GetInt32();
        Assert.Equal(0, ready.GetProperty("embeddings").GetProperty("done").GetInt32());
        Assert.Equal(total, ready.GetProperty("embeddings").GetProperty("total").GetInt32());
        Assert.Contains(ready.GetProperty("embeddings").GetProperty("state").GetString(), new[] { "pending", "running" });
        var hits = await SearchAsync(admin, "courier zone");
        Assert.Equal(total, hits.Count);
        Assert.All(hits, h => Assert.Equal(id, h.SourceId));
        Assert.Empty(await SearchAsync(admin, NoSharedWord));

        // One batch lands: that passage is found by meaning, the others not yet.
        _fake.Release();
        await WaitAsync(admin, id, s => s.GetProperty("embeddings").GetProperty("done").GetInt32() == 1);
        await WaitForHitsAsync(admin, NoSharedWord, 1);

        _fake.Release(total - 1);
        var embedded = await WaitAsync(admin, id, s => s.GetProperty("embeddings").GetProperty("state").GetString() == "ready");
        Assert.Equal(total, embedded.GetProperty("embeddings").GetProperty("done").GetInt32());
        Assert.Equal("gated", embedded.GetProperty("embedding_model").GetString());
        await WaitForHitsAsync(admin, NoSharedWord, total);
    }

    [Fact]
    public async Task A_new_version_supersedes_the_filling_in_of_the_old_one_which_never_writes_its_vectors()
    {
        var admin = await _app.CreateTenantWithAdminAsync();
        var id = await CreateAsync(admin, "Zones", IngestionProgressTests.FourPassages());
        await WaitAsync(admin, id, s => s.GetProperty("status").GetString() == "ready");
        // The worker is now held inside version 1's first embedding request.
        await WaitUntilAsync(() => _fake.Requests == 1);

        var changed = await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/knowledge/sources/{id}", new { content = TwoFerryPassages }), 202);
        Assert.Equal(2, changed.GetProperty("source").GetProperty("version").GetInt32());
        // Another worker (this instance's pipeline, driven by the test) stores version 2 meanwhile.
        var ingestion = _app.Services.GetRequiredService<Ingestion>();
        var job = await ingestion.ClaimAsync(CancellationToken.None);
        Assert.NotNull(job);
        Assert.Equal(JobKinds.Index, job.Kind);
        await ingestion.ProcessAsync(job, CancellationToken.None);
        var second = await WaitAsync(admin, id, s => s.GetProperty("version").GetInt32() == 2 && s.GetProperty("status").GetString() == "ready");
        Assert.Equal(0, second.GetProperty("embeddings").GetProperty("done").GetInt32());
        var secondTotal = second.GetProperty("chunk_count").GetInt32();
        Assert.Equal(2, secondTotal);

        // Version 1's batch answers: it is not written, and its fill stops (the next request is version 2's).
        _fake.Release();
        await WaitUntilAsync(() => _fake.Requests == 2);
        Assert.Contains("Harbour ferries", _fake.Passages[1], StringComparison.Ordinal);
        Assert.Contains("courier", _fake.Passages[0], StringComparison.Ordinal);
        await using (var db = await _app.Services.GetRequiredService<IDbContextFactory<ParleyDb>>().CreateDbContextAsync())
        {
            var chunks = await db.Set<KnowledgeChunk>().IgnoreQueryFilters().Where(c => c.SourceId == id).ToListAsync();
            Assert.Equal(2, chunks.Count);
            Assert.All(chunks, c => Assert.Null(c.Embedding));
            Assert.DoesNotContain(chunks, c => c.Text.Contains("courier", StringComparison.Ordinal));
        }

        var status = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/knowledge/sources/{id}/status"), 200);
        Assert.Equal(0, status.GetProperty("embeddings").GetProperty("done").GetInt32());
        Assert.Empty(await SearchAsync(admin, NoSharedWord));

        _fake.Release(10);
        var embedded = await WaitAsync(admin, id, s => s.GetProperty("embeddings").GetProperty("state").GetString() == "ready");
        Assert.Equal(secondTotal, embedded.GetProperty("embeddings").GetProperty("done").GetInt32());
        await WaitForHitsAsync(admin, NoSharedWord, secondTotal);
        Assert.Equal(1 + secondTotal, _fake.Requests);
    }

    [Fact]
    public async Task A_failing_embeddings_endpoint_leaves_the_source_searchable_by_keywords_with_the_reason()
    {
        _fake.Fail(true);
        var admin = await _app.CreateTenantWithAdminAsync();
        var id = await CreateAsync(admin, "Zones", IngestionProgressTests.FourPassages());

        var failed = await WaitAsync(admin, id, s => s.GetProperty("embeddings").GetProperty("state").GetString() == "failed");
        Assert.Equal("ready", failed.GetProperty("status").GetString());
        Assert.StartsWith("Embeddings unavailable, indexed for keyword search only: ", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("503", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, failed.GetProperty("embeddings").GetProperty("done").GetInt32());
        // Tried within the attempt limit (MaxAttempts 2), one request each, then given up.
        Assert.Equal(2, _fake.Requests);
        Assert.NotEmpty(await SearchAsync(admin, "courier zone"));

        // The endpoint is back: re-ingesting fills the vectors in and clears the reason.
        _fake.Fail(false);
        _fake.Open();
        var again = await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/knowledge/sources/{id}", new { name = "Zones" }), 202);
        var embedded = await WaitAsync(admin, id, s => s.GetProperty("version").GetInt32() == again.GetProperty("source").GetProperty("version").GetInt32()
            && s.GetProperty("embeddings").GetProperty("state").GetString() == "ready");
        Assert.Equal(JsonValueKind.Null, embedded.GetProperty("error").ValueKind);
        await WaitForHitsAsync(admin, NoSharedWord, embedded.GetProperty("chunk_count").GetInt32());
    }

    [Fact]
    public async Task A_new_upload_is_indexed_between_two_batches_of_another_fill_and_the_partly_embedded_state_stays_within_its_tenant()
    {
        var a = await _app.CreateTenantWithAdminAsync("Alpha partial");
        var b = await _app.CreateTenantWithAdminAsync("Bravo partial");
        var mine = await CreateAsync(a, "Zones", IngestionProgressTests.FourPassages());
        await WaitAsync(a, mine, s => s.GetProperty("status").GetString() == "ready");
        await WaitUntilAsync(() => _fake.Requests == 1);

        // Alpha's fill holds the worker; Bravo's upload waits only for the batch in flight, then is indexed before the next.
        var theirs = await CreateAsync(b, "Zones too", IngestionProgressTests.FourPassages());
        _fake.Release();
        await WaitAsync(b, theirs, s => s.GetProperty("status").GetString() == "ready");
        await WaitAsync(a, mine, s => s.GetProperty("embeddings").GetProperty("done").GetInt32() == 1);

        var found = await WaitForHitsAsync(a, NoSharedWord, 1);
        Assert.Equal(mine, Assert.Single(found).SourceId);
        Assert.Empty(await SearchAsync(b, NoSharedWord));
        var bravoHits = await SearchAsync(b, "courier zone");
        Assert.NotEmpty(bravoHits);
        Assert.All(bravoHits, h => Assert.Equal(theirs, h.SourceId));
        Assert.All(await SearchAsync(a, "courier zone"), h => Assert.Equal(mine, h.SourceId));
        var bravo = await Json.ReadAsync(await b.Client.GetAsync($"/api/v1/knowledge/sources/{theirs}/status"), 200);
        Assert.Equal(0, bravo.GetProperty("embeddings").GetProperty("done").GetInt32());
        await Json.ReadErrorAsync(await b.Client.GetAsync($"/api/v1/knowledge/sources/{mine}/status"), 404);
        await Json.ReadErrorAsync(await b.Client.GetAsync($"/api/v1/knowledge/sources/{mine}"), 404);
    }

    [Fact]
    public async Task The_openapi_document_shows_a_sources_embeddings_beside_its_progress()
    {
        var document = await Json.ReadAsync(await _app.Anonymous().GetAsync("/openapi.json"), 200);
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var embeddings = schemas.GetProperty("SourceEmbeddings").GetProperty("properties");
        Assert.Equal(["done", "model", "state", "total"], embeddings.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.True(schemas.GetProperty("SourceResponse").GetProperty("properties").TryGetProperty("embeddings", out _));
        Assert.True(schemas.GetProperty("SourceStatusResponse").GetProperty("properties").TryGetProperty("embeddings", out _));
    }

    /// <summary>Two paragraphs of about 150 characters: two passages of at most 200.</summary>
    private static readonly string TwoFerryPassages = string.Join("\n\n",
        string.Join(' ', Enumerable.Repeat("Harbour ferries leave every hour from the north pier.", 3)),
        string.Join(' ', Enumerable.Repeat("The ferry terminal has a cafe and lockers for bags.", 3)));

    /// <summary>Search's held vectors are reloaded just after a batch commits: wait for the hits rather than race the reload.</summary>
    private static async Task<List<(Guid SourceId, Guid ChunkId)>> WaitForHitsAsync(TestUser user, string q, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            var hits = await SearchAsync(user, q);
            if (hits.Count == count)
            {
                return hits;
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    private static async Task<Guid> CreateAsync(TestUser admin, string name, string content)
        => (await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources", new { name, type = "document", content }), 202)).GetProperty("id").GetGuid();

    public static async Task<JsonElement> WaitAsync(TestUser user, Guid id, Func<JsonElement, bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            var source = await Json.ReadAsync(await user.Client.GetAsync($"/api/v1/knowledge/sources/{id}", timeout.Token), 200);
            if (condition(source))
            {
                return source;
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    private static async Task<List<(Guid SourceId, Guid ChunkId)>> SearchAsync(TestUser user, string q)
    {
        var body = await Json.ReadAsync(await user.Client.GetAsync($"/api/v1/knowledge/search?q={Uri.EscapeDataString(q)}&limit=20"), 200);
        return body.GetProperty("results").EnumerateArray().Select(h => (h.GetProperty("source_id").GetGuid(), h.GetProperty("chunk_id").GetGuid())).ToList();
    }
}

public sealed class SqliteKeywordsFirstTests() : KeywordsFirstTests(postgres: false);

public sealed class PostgresKeywordsFirstTests() : KeywordsFirstTests(postgres: true);

/// <summary>
/// The filling in of vectors is a durable job: a server stopped mid-way leaves the source ready for keywords, and the
/// next server (once the lease runs out) embeds only the passages still without a vector, without cutting the source again.
/// </summary>
public abstract class EmbeddingResumeTests(bool postgres)
{
    [Fact]
    public async Task A_server_stopped_mid_embedding_resumes_the_remaining_passages_without_cutting_the_source_again()
    {
        await using var fake = await GatedEmbeddingServer.StartAsync();
        var dataDir = Directory.CreateTempSubdirectory("parley-embed-resume-").FullName;
        var database = postgres ? PostgresDatabases.Create() : null;
        var settings = new Dictionary<string, string?> { ["Parley:DataDir"] = dataDir, ["Parley:Knowledge:LeaseSeconds"] = "5" };
        try
        {
            string email, password;
            Guid id;
            List<Guid> passages;
            await using (var first = new GatedEmbeddingApp(fake.BaseAddress, postgres, settings, database))
            {
                await first.InitializeAsync();
                (email, password) = (first.Admin.Email, first.Admin.Password);
                id = (await Json.ReadAsync(await first.Admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources",
                    new { name = "Zones", type = "document", content = IngestionProgressTests.FourPassages() }), 202)).GetProperty("id").GetGuid();
                await KeywordsFirstTests.WaitAsync(first.Admin, id, s => s.GetProperty("status").GetString() == "ready");
                fake.Release();
                await KeywordsFirstTests.WaitAsync(first.Admin, id, s => s.GetProperty("embeddings").GetProperty("done").GetInt32() == 1);
                passages = await ChunkIdsAsync(first.Admin);
                // The second passage's request is in flight when the server stops.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
                while (fake.Requests < 2)
                {
                    await Task.Delay(20, timeout.Token);
                }
            }

            fake.Open();
            await using var second = new GatedEmbeddingApp(fake.BaseAddress, postgres, settings, database) { RegisterAdminOnStart = false };
            await second.InitializeAsync();
            var admin = await second.LoginAsync(email, password);
            var kept = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/knowledge/sources/{id}"), 200);
            Assert.Equal("ready", kept.GetProperty("status").GetString());
            Assert.Equal(passages, await ChunkIdsAsync(admin));

            var embedded = await KeywordsFirstTests.WaitAsync(admin, id, s => s.GetProperty("embeddings").GetProperty("state").GetString() == "ready");
            var total = embedded.GetProperty("chunk_count").GetInt32();
            Assert.Equal(passages.Count, total);
            Assert.Equal(total, embedded.GetProperty("embeddings").GetProperty("done").GetInt32());
            Assert.Equal(1, embedded.GetProperty("version").GetInt32());
            Assert.Equal(passages, await ChunkIdsAsync(admin));
            // The passage embedded before the stop was not sent again; the one in flight was.
            Assert.Single(fake.Passages, p => p.Contains("zone 1 travel", StringComparison.Ordinal));
            Assert.True(fake.Passages.Count(p => p.Contains("zone 2 travel", StringComparison.Ordinal)) == 2, string.Join(" | ", fake.Passages));
        }
        finally
        {
            if (database is not null)
            {
                PostgresDatabases.Drop(database);
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS temp cleaner.
            }
        }
    }

    private static async Task<List<Guid>> ChunkIdsAsync(TestUser admin)
    {
        var body = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/knowledge/search?q=courier%20zone&limit=20"), 200);
        return [.. body.GetProperty("results").EnumerateArray().Select(h => h.GetProperty("chunk_id").GetGuid()).Order()];
    }
}

public sealed class SqliteEmbeddingResumeTests() : EmbeddingResumeTests(postgres: false);

public sealed class PostgresEmbeddingResumeTests() : EmbeddingResumeTests(postgres: true);
