using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Infrastructure;
using Parley.Tests.Knowledge;

namespace Parley.Tests.Understanding;

/// <summary>
/// The names of a tenant's own knowledge sources (the hotel the customer asks about) are not customer PII:
/// redaction leaves them in the stored turn while the person and the home address in the same message go.
/// Another tenant's source names protect nothing. Both tenants switch ORGANIZATION on (it is opt-in, decision 0025):
/// the tagger reads "the Grant Hotel" as the business it is, which conversations leave in the text by default, so
/// the protection only shows where organisations are redacted.
/// </summary>
public abstract class OwnBusinessNamesTests(ParleyApp app)
{
    private const string Message = "I'm Sophie Marchetti, we booked the Grant Hotel, and I live at 42 Elm Street, Springfield.";

    [Fact]
    public async Task A_knowledge_source_name_stays_in_the_turn_while_the_customers_name_and_address_are_redacted()
    {
        var hotel = await app.CreateTenantWithAdminAsync();
        await RedactOrganisationsAsync(hotel);
        await AddSourceAsync(hotel, "Grant Hotel");
        var customer = await app.CreateUserAsync(hotel);

        var (turn, stored) = await TurnAsync(customer);

        Assert.Contains("we booked the Grant Hotel,", stored);
        Assert.DoesNotContain("Sophie", stored);
        Assert.DoesNotContain("Marchetti", stored);
        Assert.DoesNotContain("Elm Street", stored);
        Assert.Contains("[PERSON]", stored);
        Assert.Contains("[STREET_ADDRESS]", stored);
        var redacted = turn.GetProperty("redactions").EnumerateArray().Select(r => r.GetProperty("type").GetString()).ToList();
        Assert.Contains("person", redacted, StringComparer.OrdinalIgnoreCase);

        // The same words in a message to a tenant whose sources are other hotels are a guess at a name, and go.
        var other = await app.CreateTenantWithAdminAsync("Other hotels");
        await RedactOrganisationsAsync(other);
        await AddSourceAsync(other, "Hotel Zetta");
        var (_, elsewhere) = await TurnAsync(await app.CreateUserAsync(other));
        Assert.DoesNotContain("Grant Hotel", elsewhere);
        Assert.DoesNotContain("Sophie", elsewhere);
    }

    private static async Task<(JsonElement Turn, string Stored)> TurnAsync(TestUser user)
    {
        var turn = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/api/v1/chat/process", new { message = Message }), 200);
        var stored = await user.Client.GetStringAsync($"/api/v1/conversations/{turn.GetProperty("session_id").GetGuid()}");
        return (turn, stored);
    }

    /// <summary>The conversation defaults with ORGANIZATION switched on.</summary>
    private static async Task RedactOrganisationsAsync(TestUser admin) =>
        await Json.ReadAsync(await admin.Client.PutAsJsonAsync("/api/v1/redaction/settings", new { disabled_types = new[] { "DATE_TIME", "URL", "TITLE", "NRP" } }), 200);

    private static async Task AddSourceAsync(TestUser admin, string name)
    {
        var response = await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources",
            new { name, type = "faq", faqs = new[] { new { question = "What time is check-in?", answer = $"Check-in at {name} starts at 2 pm." } } });
        await KnowledgeWait.ReadyAsync(admin, await Json.ReadAsync(response, 202));
    }
}

public sealed class SqliteOwnBusinessNamesTests(SqliteApp app) : OwnBusinessNamesTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresOwnBusinessNamesTests(PostgresApp app) : OwnBusinessNamesTests(app), IClassFixture<PostgresApp>;
