using System.Net.Http.Json;
using System.Security.Cryptography;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Knowledge;

/// <summary>
/// Keywords first, vectors after (decision 0030) with two Parley instances over one PostgreSQL database, as a
/// scaled-out deployment runs them: both instances' workers claim index and embed jobs from the same tables. A fill
/// one instance holds is never claimed by the other, a version the other stores supersedes it, and every passage is
/// sent to the embeddings endpoint once, whichever instance takes it.
/// </summary>
public sealed class KeywordsFirstAcrossInstancesTests : IAsyncLifetime
{
    private readonly string _database = PostgresDatabases.Create();
    private readonly string _shared = Directory.CreateTempSubdirectory("parley-shared-").FullName;
    private GatedEmbeddingServer _fake = null!;
    private GatedEmbeddingApp _first = null!;
    private GatedEmbeddingApp _second = null!;

    public async Task InitializeAsync()
    {
        _fake = await GatedEmbeddingServer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Parley:Auth:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
            ["Parley:Secrets:KeyDirectory"] = Path.Combine(_shared, "keys"),
        };
        _first = new GatedEmbeddingApp(_fake.BaseAddress, postgres: true, settings, _database);
        await _first.InitializeAsync();
        _second = new GatedEmbeddingApp(_fake.BaseAddress, postgres: true, settings, _database) { RegisterAdminOnStart = false };
        await _second.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _fake.DisposeAsync();
        await _second.DisposeAsync();
        await _first.DisposeAsync();
        PostgresDatabases.Drop(_database);
        try
        {
            Directory.Delete(_shared, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    }

    [Fact]
    public async Task A_version_stored_by_one_instance_supersedes_the_fill_the_other_holds_and_each_passage_is_sent_once()
    {
        var admin = await _first.CreateTenantWithAdminAsync();
        var onSecond = new TestUser(_second, admin.Id, admin.Email, admin.Username, admin.Password, admin.Role, admin.TenantId, admin.AccessToken, admin.RefreshToken);
        var id = (await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources",
            new { name = "Zones", type = "document", content = IngestionProgressTests.FourPassages() }), 202)).GetProperty("id").GetGuid();
        await KeywordsFirstTests.WaitAsync(admin, id, s => s.GetProperty("status").GetString() == "ready");
        // One instance's worker is now held inside version 1's first embedding request.
        await KeywordsFirstTests.WaitUntilAsync(() => _fake.Requests == 1);

        // Version 2 arrives through the other instance, whose worker is free: it stores it while the fill is held.
        var changed = await Json.ReadAsync(await onSecond.Client.PutAsJsonAsync($"/api/v1/knowledge/sources/{id}", new { content = TwoFerryPassages }), 202);
        Assert.Equal(2, changed.GetProperty("source").GetProperty("version").GetInt32());
        var second = await KeywordsFirstTests.WaitAsync(onSecond, id, s => s.GetProperty("version").GetInt32() == 2 && s.GetProperty("status").GetString() == "ready");
        Assert.Equal(2, second.GetProperty("chunk_count").GetInt32());
        Assert.Equal(0, second.GetProperty("embeddings").GetProperty("done").GetInt32());

        // The held request answers and everything after it too: version 1's vector is never written, version 2's are.
        _fake.Open();
        var embedded = await KeywordsFirstTests.WaitAsync(admin, id, s => s.GetProperty("version").GetInt32() == 2
            && s.GetProperty("embeddings").GetProperty("state").GetString() == "ready");
        Assert.Equal(2, embedded.GetProperty("embeddings").GetProperty("done").GetInt32());
        var hits = await SearchAsync(onSecond, "xyzzy");
        Assert.Equal(2, hits.Count);
        Assert.All(hits, h => Assert.Contains("ferr", h.Text, StringComparison.OrdinalIgnoreCase));
        // Version 1's passages are gone (the fake's vectors all point one way, so any query finds what has a vector).
        Assert.DoesNotContain(await SearchAsync(admin, "courier zone"), h => h.Text.Contains("courier", StringComparison.Ordinal));

        // No instance took over the fill the other held (its lease still ran), and version 2's passages were sent once each.
        var sent = _fake.Passages;
        Assert.Single(sent, p => p.Contains("courier", StringComparison.Ordinal));
        Assert.Equal(2, sent.Count(p => p.Contains("ferr", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(3, sent.Count);
    }

    [Fact]
    public async Task Sources_uploaded_through_both_instances_are_all_embedded_and_no_passage_twice()
    {
        _fake.Open();
        var admin = await _first.CreateTenantWithAdminAsync();
        var onSecond = new TestUser(_second, admin.Id, admin.Email, admin.Username, admin.Password, admin.Role, admin.TenantId, admin.AccessToken, admin.RefreshToken);
        var ids = new List<Guid>();
        for (var i = 1; i <= 6; i++)
        {
            var user = i % 2 == 0 ? onSecond : admin;
            ids.Add((await Json.ReadAsync(await user.Client.PostAsJsonAsync("/api/v1/knowledge/sources",
                new { name = $"Zones {i}", type = "document", content = IngestionProgressTests.FourPassages() }), 202)).GetProperty("id").GetGuid());
        }

        var total = 0;
        foreach (var id in ids)
        {
            var done = await KeywordsFirstTests.WaitAsync(onSecond, id, s => s.GetProperty("embeddings").GetProperty("state").GetString() == "ready");
            Assert.Equal(done.GetProperty("chunk_count").GetInt32(), done.GetProperty("embeddings").GetProperty("done").GetInt32());
            total += done.GetProperty("chunk_count").GetInt32();
        }

        Assert.Equal(24, total);
        var sent = _fake.Passages;
        Assert.Equal(total, sent.Count);
        Assert.Equal(total, sent.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(total, (await SearchAsync(admin, "xyzzy")).Count);
    }

    private static readonly string TwoFerryPassages = string.Join("\n\n",
        "Harbour ferries leave every hour from the north pier and the crossing takes forty minutes in calm weather.",
        "Ferry tickets are sold on board; bicycles travel free, cars need a booking made a day ahead of the crossing.");

    private static async Task<List<(Guid SourceId, string Text)>> SearchAsync(TestUser user, string q)
    {
        var body = await Json.ReadAsync(await user.Client.GetAsync($"/api/v1/knowledge/search?q={Uri.EscapeDataString(q)}&limit=50"), 200);
        return [.. body.GetProperty("results").EnumerateArray().Select(h => (h.GetProperty("source_id").GetGuid(), h.GetProperty("text").GetString() ?? ""))];
    }
}
