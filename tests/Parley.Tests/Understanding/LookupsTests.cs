using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Understanding;

/// <summary>Per-tenant entity lookup lists, found in the tenant's turns and nowhere else.</summary>
public abstract class LookupsTests(ParleyApp app)
{
    private static async Task<JsonElement> EntitiesAsync(TestUser user, string message)
        => (await Json.ReadAsync(await user.Client.PostAsJsonAsync("/api/v1/chat/process", new { message }), 200)).GetProperty("entities");

    [Fact]
    public async Task A_lookup_list_is_found_in_the_tenants_turns_until_it_is_deleted()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var created = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/entities/lookups", new
        {
            name = "plan",
            values = new[] { "Pro Plan", "Starter" },
            synonyms = new Dictionary<string, string[]> { ["Pro Plan"] = ["premium", "pro tier"] },
        }), 201);
        Assert.Equal(2, created.GetProperty("entry_count").GetInt32());
        Assert.Equal("premium", created.GetProperty("synonyms").GetProperty("Pro Plan")[0].GetString());
        Assert.Equal("Pro Plan", created.GetProperty("entries")[0].GetProperty("value").GetString());

        var entities = await EntitiesAsync(customer, "How much is the premium subscription?");
        Assert.Equal("Pro Plan", entities.GetProperty("plan").GetString());

        // Replacing the entries changes what is found on the next turn.
        await Json.ReadAsync(await admin.Client.PutAsJsonAsync("/api/v1/entities/lookups/plan", new
        {
            entries = new[] { new { value = "Enterprise", synonyms = new[] { "premium" } } },
        }), 200);
        Assert.Equal("Enterprise", (await EntitiesAsync(customer, "How much is the premium subscription?")).GetProperty("plan").GetString());

        var agent = await app.CreateUserAsync(admin, "agent");
        var list = await Json.ReadAsync(await agent.Client.GetAsync("/api/v1/entities/lookups"), 200);
        Assert.Equal(1, list.GetProperty("total").GetInt32());

        // Another tenant neither sees the list nor finds its entities.
        var other = await app.CreateTenantWithAdminAsync("Other");
        Assert.False((await EntitiesAsync(other, "How much is the premium subscription?")).TryGetProperty("plan", out _));
        await Json.ReadErrorAsync(await other.Client.GetAsync($"/api/v1/entities/lookups/{created.GetProperty("id").GetGuid()}"), 404);
        await Json.ReadErrorAsync(await other.Client.DeleteAsync("/api/v1/entities/lookups/plan"), 404);
        Assert.Equal(0, (await Json.ReadAsync(await other.Client.GetAsync("/api/v1/entities/lookups"), 200)).GetProperty("total").GetInt32());

        await Json.ReadAsync(await admin.Client.DeleteAsync($"/api/v1/entities/lookups/{created.GetProperty("id").GetGuid()}"), 204);
        Assert.False((await EntitiesAsync(customer, "How much is the premium subscription?")).TryGetProperty("plan", out _));
        await Json.ReadErrorAsync(await admin.Client.GetAsync("/api/v1/entities/lookups/plan"), 404);
    }

    [Fact]
    public async Task Bad_lookup_lists_and_wrong_roles_are_refused()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var user = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var good = new { name = "store", values = new[] { "Downtown" } };

        await Json.ReadErrorAsync(await user.Client.GetAsync("/api/v1/entities/lookups"), 403);
        await Json.ReadErrorAsync(await agent.Client.PostAsJsonAsync("/api/v1/entities/lookups", good), 403);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/entities/lookups", new { name = "email", values = new[] { "x" } }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/entities/lookups", new { name = "Store Names", values = new[] { "x" } }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/entities/lookups", new { name = "empty" }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/entities/lookups", new { name = "blank", values = new[] { "  " } }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/entities/lookups",
            new { name = "orphans", values = new[] { "a" }, synonyms = new Dictionary<string, string[]> { ["b"] = ["c"] } }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsync("/api/v1/entities/lookups", new StringContent("{\"name\": ", Encoding.UTF8, "application/json")), 400);

        await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/entities/lookups", good), 201);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/entities/lookups", good), 409);
        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync("/api/v1/entities/lookups/nothing_here", good), 404);
    }
}

public sealed class SqliteLookupsTests(SqliteApp app) : LookupsTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresLookupsTests(PostgresApp app) : LookupsTests(app), IClassFixture<PostgresApp>;
