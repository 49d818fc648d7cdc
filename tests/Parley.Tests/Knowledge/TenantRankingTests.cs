using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Knowledge;

/// <summary>
/// A tenant's ranking and confidences depend on its own documents only: another tenant indexing
/// many passages with the same words (which moves any statistic counted over the whole index)
/// changes nothing in what the first tenant's search returns.
/// </summary>
public abstract class TenantRankingTests(ParleyApp app)
{
    [Fact]
    public async Task Another_tenants_documents_do_not_change_a_tenants_ranking_or_scores()
    {
        var a = await app.CreateTenantWithAdminAsync("Alpha");
        var b = await app.CreateTenantWithAdminAsync("Bravo");
        await AddFaqsAsync(a, "Travel desk",
        [
            ("Glacier tours", "The glacier walk visits the glacier cave and the glacier lagoon."),
            ("Harbor cruises", "The harbor cruise leaves the harbor at noon."),
            ("Museum tickets", "The museum opens at nine; a glacier exhibit is on the top floor."),
        ]);
        const string Query = "glacier harbor cruise";
        var before = await SearchAsync(a, Query);
        Assert.Equal(3, before.Count);

        // Tenant B: many passages about glaciers, so "glacier" is common across the whole index.
        await AddFaqsAsync(b, "Glacier guide", Enumerable.Range(0, 40)
            .Select(i => ($"Glacier fact {i}", $"Glacier number {i} is a glacier among glaciers; the glacier moves slowly."))
            .ToArray());
        Assert.Equal(40, (await SearchAsync(b, "glacier", limit: 100)).Count);

        var after = await SearchAsync(a, Query);
        Assert.Equal(before, after);
    }

    private static async Task AddFaqsAsync(TestUser admin, string name, (string Question, string Answer)[] faqs)
    {
        var response = await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources", new
        {
            name,
            type = "faq",
            faqs = faqs.Select(f => new { question = f.Question, answer = f.Answer }),
        });
        await KnowledgeWait.ReadyAsync(admin, await Json.ReadAsync(response, 202));
    }

    /// <summary>Each hit as chunk, confidence and score, in ranked order.</summary>
    private static async Task<List<(string Chunk, double Confidence, double Score)>> SearchAsync(TestUser user, string q, int limit = 10)
    {
        var body = await Json.ReadAsync(await user.Client.GetAsync($"/api/v1/knowledge/search?q={Uri.EscapeDataString(q)}&limit={limit}"), 200);
        return body.GetProperty("results").EnumerateArray()
            .Select(h => (h.GetProperty("chunk_id").GetString()!, h.GetProperty("confidence").GetDouble(), h.GetProperty("score").GetDouble()))
            .ToList();
    }
}

public sealed class SqliteTenantRankingTests(SqliteApp app) : TenantRankingTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresTenantRankingTests(PostgresApp app) : TenantRankingTests(app), IClassFixture<PostgresApp>;
