using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Knowledge;

/// <summary>
/// With no embeddings endpoint configured, knowledge is embedded in the process by the built-in sentence
/// encoder (all-MiniLM-L6-v2): each source and chunk records the model, a query that shares no word with a
/// passage still finds it by meaning, and one tenant's vectors are never searched for another.
/// </summary>
public abstract class BuiltInEmbeddingsTests(ParleyApp app)
{
    private const string BuiltInModel = "builtin/all-MiniLM-L6-v2";

    /// <summary>No word of it (stop words aside) is in the passages below.</summary>
    private const string MoneyBack = "how can I have my money returned";

    [Fact]
    public async Task Knowledge_is_embedded_in_the_process_and_found_by_meaning()
    {
        var admin = await app.CreateTenantWithAdminAsync("Embedded");
        var source = await AddFaqsAsync(admin, "Shop help",
        [
            ("Refund policy", "Purchases are reimbursed in full within thirty days of delivery."),
            ("Opening hours", "The shop opens at nine every weekday."),
            ("Gift wrapping", "Presents can be wrapped in paper for two euros."),
        ]);
        Assert.Equal(BuiltInModel, source.GetProperty("embedding_model").GetString());
        Assert.Equal(JsonValueKind.Null, source.GetProperty("error").ValueKind);

        var hits = await SearchAsync(admin, MoneyBack);

        Assert.NotEmpty(hits);
        Assert.Equal("Refund policy", hits[0].Title);
    }

    [Fact]
    public async Task Another_tenants_vectors_are_never_searched_and_do_not_move_a_tenants_ranking()
    {
        var a = await app.CreateTenantWithAdminAsync("Alpha vectors");
        var b = await app.CreateTenantWithAdminAsync("Bravo vectors");
        var mine = await AddFaqsAsync(a, "Alpha help",
        [
            ("Refund policy", "Purchases are reimbursed in full within thirty days of delivery."),
            ("Opening hours", "The shop opens at nine every weekday."),
        ]);
        var before = await SearchAsync(a, MoneyBack);

        // Tenant B's passages are nearer in meaning to the query than any of A's.
        var theirs = await AddFaqsAsync(b, "Bravo help",
        [
            ("How can I have my money returned?", "Your money is returned to your card within five days."),
            ("Money back", "We return your money whenever you ask."),
        ]);
        Assert.Contains(await SearchAsync(b, MoneyBack), h => h.SourceId == theirs.GetProperty("id").GetString());

        var after = await SearchAsync(a, MoneyBack);
        Assert.All(after, h => Assert.Equal(mine.GetProperty("id").GetString(), h.SourceId));
        Assert.Equal(before, after);
    }

    private static async Task<JsonElement> AddFaqsAsync(TestUser admin, string name, (string Question, string Answer)[] faqs)
    {
        var response = await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources", new
        {
            name,
            type = "faq",
            faqs = faqs.Select(f => new { question = f.Question, answer = f.Answer }),
        });
        return await KnowledgeWait.ReadyAsync(admin, await Json.ReadAsync(response, 202));
    }

    private static async Task<List<(string SourceId, string Title, double Confidence)>> SearchAsync(TestUser user, string q)
    {
        var body = await Json.ReadAsync(await user.Client.GetAsync($"/api/v1/knowledge/search?q={Uri.EscapeDataString(q)}&limit=10"), 200);
        return body.GetProperty("results").EnumerateArray()
            .Select(h => (h.GetProperty("source_id").GetString()!, h.GetProperty("title").GetString()!, h.GetProperty("confidence").GetDouble()))
            .ToList();
    }
}

public sealed class SqliteBuiltInEmbeddingsTests(SqliteApp app) : BuiltInEmbeddingsTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresBuiltInEmbeddingsTests(PostgresApp app) : BuiltInEmbeddingsTests(app), IClassFixture<PostgresApp>;

/// <summary><c>Parley:Knowledge:Embeddings:Provider=none</c>: keyword search only, nothing embedded.</summary>
public sealed class NoEmbeddingsTests(NoEmbeddingsApp app) : IClassFixture<NoEmbeddingsApp>
{
    [Fact]
    public async Task With_provider_none_nothing_is_embedded_and_keywords_still_find_passages()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var accepted = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources", new
        {
            name = "Shop help",
            type = "faq",
            faqs = new[] { new { question = "Refund policy", answer = "Purchases are reimbursed in full within thirty days of delivery." } },
        }), 202);
        var source = await KnowledgeWait.ReadyAsync(admin, accepted);
        Assert.Equal(JsonValueKind.Null, source.GetProperty("embedding_model").ValueKind);

        var byMeaning = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/knowledge/search?q=" + Uri.EscapeDataString("how can I have my money returned")), 200);
        Assert.Empty(byMeaning.GetProperty("results").EnumerateArray());
        var byWord = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/knowledge/search?q=reimbursed"), 200);
        Assert.Single(byWord.GetProperty("results").EnumerateArray());
    }

    [Theory]
    [InlineData("bogus", "")]
    [InlineData("endpoint", "")]
    public async Task A_misconfigured_provider_stops_the_server_at_start(string provider, string baseUrl)
    {
        var bad = new ProviderApp(provider, baseUrl);
        var error = await Assert.ThrowsAnyAsync<Exception>(bad.InitializeAsync);
        Assert.Contains("Parley:Knowledge:Embeddings:Provider", error.ToString(), StringComparison.Ordinal);
        await bad.DisposeAsync();
    }

    private sealed class ProviderApp(string provider, string baseUrl) : ParleyApp
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            [new("Parley:Knowledge:Embeddings:Provider", provider), new("Parley:Knowledge:Embeddings:BaseUrl", baseUrl)];
    }
}

public sealed class NoEmbeddingsApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Parley:Knowledge:Embeddings:Provider", "none")];
}
