using System.Net.Http.Json;
using System.Security.Cryptography;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Understanding;

/// <summary>Two instances over one PostgreSQL: a model trained and settings changed through one are used by the other.</summary>
public sealed class UnderstandingAcrossInstancesTests : IAsyncLifetime
{
    private readonly string _database = PostgresDatabases.Create();
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
    private SharedApp _first = null!;
    private SharedApp _second = null!;

    private sealed class SharedApp(string database, string key) : ParleyApp
    {
        // 0: the second instance compares the revision stamp on every turn, so the test needs no waiting.
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            [new("Parley:Database:Postgres", database), new("Parley:Auth:SigningKey", key), new("Parley:Understanding:RefreshSeconds", "0")];
    }

    public async Task InitializeAsync()
    {
        _first = new SharedApp(_database, _key);
        await _first.InitializeAsync();
        _second = new SharedApp(_database, _key) { RegisterAdminOnStart = false };
        await _second.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
        PostgresDatabases.Drop(_database);
    }

    [Fact]
    public async Task A_model_trained_on_one_instance_classifies_turns_on_the_other()
    {
        var admin = await _first.CreateTenantWithAdminAsync();
        var customer = await _first.CreateUserAsync(admin);
        var onSecond = _second.Authorized(customer.AccessToken);

        // The second instance has the tenant's (default) understanding cached before the change.
        var before = await Json.ReadAsync(await onSecond.PostAsJsonAsync("/api/v1/chat/process", new { message = "do you ship to mexico" }), 200);
        Assert.NotEqual("shipping_countries", before.GetProperty("intent").GetString());

        await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/intents", new { name = "shipping_countries", examples = IntentsTests.ShippingExamples }), 201);
        await Json.ReadAsync(await admin.Client.PostAsync("/api/v1/intents/train", null), 200);
        await Json.ReadAsync(await admin.Client.PutAsJsonAsync("/api/v1/redaction/settings", new { disabled_types = new[] { "email" } }), 200);

        var after = await Json.ReadAsync(await onSecond.PostAsJsonAsync("/api/v1/chat/process", new { message = "do you ship to mexico? write to me at jo@example.com" }), 200);
        Assert.Equal("shipping_countries", after.GetProperty("intent").GetString());
        Assert.DoesNotContain(after.GetProperty("redactions").EnumerateArray(), r => r.GetProperty("type").GetString() == "email");
    }
}
