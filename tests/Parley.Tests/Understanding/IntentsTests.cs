using System.Net.Http.Json;
using System.Text;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Understanding;

/// <summary>Per-tenant intents: CRUD over Parley's defaults, training, and the turn pipeline using the trained model.</summary>
public abstract class IntentsTests(ParleyApp app)
{
    internal static readonly string[] ShippingExamples =
    [
        "do you ship to canada", "which countries do you deliver to", "can you send my order abroad",
        "is international shipping available", "do you deliver to the uk", "shipping to germany",
        "can I get it delivered in australia", "do you ship overseas", "do you send parcels to france",
        "international delivery options", "can you ship outside the country", "do you post to ireland",
    ];

    internal static async Task<string?> IntentOfAsync(TestUser user, string message)
        => (await Json.ReadAsync(await user.Client.PostAsJsonAsync("/api/v1/chat/process", new { message }), 200)).GetProperty("intent").GetString();

    [Fact]
    public async Task A_trained_custom_intent_classifies_the_tenants_turns_and_not_another_tenants()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        Assert.NotEqual("shipping_countries", await IntentOfAsync(customer, "do you ship to mexico"));

        var created = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/intents",
            new { name = "shipping_countries", description = "Where we deliver", examples = ShippingExamples }), 201);
        Assert.Equal("custom", created.GetProperty("source").GetString());
        Assert.Equal(ShippingExamples.Length, created.GetProperty("example_count").GetInt32());

        var stats = await Json.ReadAsync(await admin.Client.PostAsync("/api/v1/intents/train", null), 200);
        Assert.Equal(1, stats.GetProperty("model_version").GetInt32());
        Assert.Equal(1, stats.GetProperty("custom_intents").GetInt32());
        Assert.Contains("shipping_countries", stats.GetProperty("intent_names").EnumerateArray().Select(e => e.GetString()));
        Assert.InRange(stats.GetProperty("held_out_accuracy").GetDouble(), 0.5, 1.0);
        Assert.True(stats.GetProperty("examples").GetInt32() > ShippingExamples.Length);

        Assert.Equal("shipping_countries", await IntentOfAsync(customer, "do you ship to mexico"));
        Assert.Equal("human_handoff", await IntentOfAsync(customer, "can I talk to a real person"));

        var model = await Json.ReadAsync(await customer.Client.GetAsync("/api/v1/intents/model"), 403);
        var agent = await app.CreateUserAsync(admin, "agent");
        model = await Json.ReadAsync(await agent.Client.GetAsync("/api/v1/intents/model"), 200);
        Assert.Equal("trained", model.GetProperty("status").GetString());
        var classified = await Json.ReadAsync(await agent.Client.PostAsJsonAsync("/api/v1/intents/classify", new { text = "do you deliver to spain" }), 200);
        Assert.Equal("shipping_countries", classified.GetProperty("intent").GetString());
        Assert.Equal("tenant", classified.GetProperty("model").GetString());

        // Another tenant keeps the default model and cannot see the intent by name or id.
        var other = await app.CreateTenantWithAdminAsync("Other");
        Assert.NotEqual("shipping_countries", await IntentOfAsync(other, "do you ship to mexico"));
        await Json.ReadErrorAsync(await other.Client.GetAsync("/api/v1/intents/shipping_countries"), 404);
        await Json.ReadErrorAsync(await other.Client.GetAsync($"/api/v1/intents/{created.GetProperty("id").GetGuid()}"), 404);
        await Json.ReadErrorAsync(await other.Client.PutAsJsonAsync($"/api/v1/intents/{created.GetProperty("id").GetGuid()}", new { examples = new[] { "x" } }), 404);
        var otherModel = await Json.ReadAsync(await other.Client.GetAsync("/api/v1/intents/model"), 200);
        Assert.Equal("default", otherModel.GetProperty("status").GetString());

        // Dropping the model brings the default back.
        await Json.ReadAsync(await admin.Client.DeleteAsync("/api/v1/intents/model"), 204);
        Assert.NotEqual("shipping_countries", await IntentOfAsync(customer, "do you ship to mexico"));
    }

    [Fact]
    public async Task Defaults_are_listed_and_can_be_extended_disabled_and_restored()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var list = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/intents?size=100"), 200);
        var items = list.GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(items, i => i.GetProperty("name").GetString() == "greet" && i.GetProperty("source").GetString() == "default");
        Assert.Equal(items.Count, list.GetProperty("total").GetInt32());

        var greet = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/intents/greet"), 200);
        var defaultCount = greet.GetProperty("example_count").GetInt32();
        var extended = await Json.ReadAsync(await admin.Client.PutAsJsonAsync("/api/v1/intents/greet", new { examples = new[] { "ahoy matey" } }), 200);
        Assert.Equal("override", extended.GetProperty("source").GetString());
        Assert.Equal(defaultCount + 1, extended.GetProperty("example_count").GetInt32());

        await Json.ReadAsync(await admin.Client.PutAsJsonAsync("/api/v1/intents/greet", new { enabled = false }), 200);
        await Json.ReadAsync(await admin.Client.PostAsync("/api/v1/intents/train", null), 200);
        var classified = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/intents/classify", new { text = "hello there" }), 200);
        Assert.NotEqual("greet", classified.GetProperty("intent").GetString());
        Assert.DoesNotContain(classified.GetProperty("ranking").EnumerateArray(), r => r.GetProperty("intent").GetString() == "greet");

        // Deleting the override restores the default as shipped; the default itself cannot be deleted.
        await Json.ReadAsync(await admin.Client.DeleteAsync("/api/v1/intents/greet"), 204);
        var restored = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/intents/greet"), 200);
        Assert.Equal("default", restored.GetProperty("source").GetString());
        await Json.ReadErrorAsync(await admin.Client.DeleteAsync("/api/v1/intents/greet"), 409);
        await Json.ReadAsync(await admin.Client.PostAsync("/api/v1/intents/train", null), 200);
        classified = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/intents/classify", new { text = "hello there" }), 200);
        Assert.Equal("greet", classified.GetProperty("intent").GetString());
    }

    [Fact]
    public async Task Retraining_invalidates_cached_answers()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var alice = await app.CreateUserAsync(admin);
        await Json.ReadAsync(await alice.Client.PostAsJsonAsync("/chat/message", new { message = "hello there" }), 200);
        var cached = await Json.ReadAsync(await alice.Client.PostAsJsonAsync("/chat/message", new { message = "hello there" }), 200);
        Assert.True(cached.GetProperty("cached").GetBoolean());

        await Json.ReadAsync(await admin.Client.PostAsync("/api/v1/intents/train", null), 200);
        var fresh = await Json.ReadAsync(await alice.Client.PostAsJsonAsync("/chat/message", new { message = "hello there" }), 200);
        Assert.False(fresh.GetProperty("cached").GetBoolean());
    }

    [Fact]
    public async Task Bad_requests_and_wrong_roles_are_refused()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var user = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var body = new { name = "billing_dispute", examples = new[] { "I was charged twice" } };

        await Json.ReadErrorAsync(await user.Client.GetAsync("/api/v1/intents"), 403);
        await Json.ReadErrorAsync(await agent.Client.PostAsJsonAsync("/api/v1/intents", body), 403);
        await Json.ReadErrorAsync(await agent.Client.PostAsync("/api/v1/intents/train", null), 403);
        await Json.ReadErrorAsync(await app.Anonymous().GetAsync("/api/v1/intents"), 401);
        await Json.ReadAsync(await agent.Client.GetAsync("/api/v1/intents"), 200);

        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/intents", new { name = "Bad Name!", examples = new[] { "x" } }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/intents", new { name = "train", examples = new[] { "x" } }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/intents", new { name = "no_examples" }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/intents", new { name = "long_example", examples = new[] { new string('a', 301) } }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/intents", new { name = "blank_example", examples = new[] { " " } }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/intents", new { name = "too_many", examples = Enumerable.Range(0, 501).Select(i => $"example {i}") }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsync("/api/v1/intents", new StringContent("{\"name\": ", Encoding.UTF8, "application/json")), 400);
        await Json.ReadErrorAsync(await admin.Client.PostAsync("/api/v1/intents", new StringContent("{\"name\": \"x\", \"examples\": 5}", Encoding.UTF8, "application/json")), 422);

        await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/intents", body), 201);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/intents", body), 409);
        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync("/api/v1/intents/billing_dispute", new { name = "renamed" }), 422);
        await Json.ReadErrorAsync(await admin.Client.GetAsync("/api/v1/intents/no_such_intent"), 404);
        await Json.ReadErrorAsync(await admin.Client.DeleteAsync($"/api/v1/intents/{Guid.NewGuid()}"), 404);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/intents/classify", new { text = "" }), 422);
    }

    [Fact]
    public async Task Training_needs_two_enabled_intents_with_examples()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var list = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/intents?size=100"), 200);
        var names = list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).Where(n => n != "out_of_scope").ToList();
        foreach (var name in names.Skip(1))
        {
            await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/intents/{name}", new { enabled = false }), 200);
        }

        var refused = await Json.ReadErrorAsync(await admin.Client.PostAsync("/api/v1/intents/train", null), 422);
        Assert.Contains("two", refused.GetProperty("error").GetProperty("details")[0].GetProperty("message").GetString());
        var model = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/intents/model"), 200);
        Assert.Equal("default", model.GetProperty("status").GetString());
    }
}

public sealed class SqliteIntentsTests(SqliteApp app) : IntentsTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresIntentsTests(PostgresApp app) : IntentsTests(app), IClassFixture<PostgresApp>;
