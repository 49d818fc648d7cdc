using System.Net.Http.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Understanding;

/// <summary>
/// A tenant that trains with ten examples per intent gets the sentence-encoder head (Parley:Understanding:IntentEncoder
/// Auto: the median intent, Parley's defaults included, has fewer than 30 examples), and its chat turns are read with it.
/// </summary>
public abstract class EncoderIntentsTests(ParleyApp app)
{
    internal static readonly (string Name, string[] Examples)[] TenShot =
    [
        ("lost_card", [
            "I lost my credit card", "my card is missing", "I can't find my debit card", "my bank card was stolen",
            "someone took my card", "report a lost card", "I misplaced my card", "freeze my card it's gone",
            "my visa card disappeared", "card lost need a new one",
        ]),
        ("change_address", [
            "I moved to a new house", "update my address", "change my postal address", "I have a new home address",
            "my address changed", "please use my new address", "we relocated last week", "edit the address on my account",
            "new street address for deliveries", "I live somewhere else now",
        ]),
        ("gift_wrap", [
            "can you gift wrap it", "I want it wrapped as a present", "do you offer gift wrapping", "wrap this as a gift",
            "add gift wrap to my order", "it's a present, can you wrap it", "is wrapping paper available",
            "please wrap the item for a birthday", "gift packaging please", "can I get it in a gift box",
        ]),
        ("store_pickup", [
            "can I collect it in store", "I'd like to pick up my order at the shop", "is click and collect available",
            "pick up in store", "can I get it from your branch instead of delivery", "collect from the shop tomorrow",
            "reserve online and pick up", "I want to fetch it myself from the store", "store collection option",
            "can I come and get the parcel at your location",
        ]),
    ];

    [Fact]
    public async Task A_tenant_trained_with_ten_examples_per_intent_reads_its_turns_with_the_encoder()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        foreach (var (name, examples) in TenShot)
        {
            await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/intents", new { name, examples }), 201);
        }

        var stats = await Json.ReadAsync(await admin.Client.PostAsync("/api/v1/intents/train", null), 200);
        Assert.True(stats.GetProperty("encoder").GetBoolean(), stats.ToString());
        var model = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/intents/model"), 200);
        Assert.True(model.GetProperty("stats").GetProperty("encoder").GetBoolean());

        // Paraphrases that share few words with the examples, through the chat API.
        Assert.Equal("lost_card", await IntentsTests.IntentOfAsync(customer, "my mastercard has vanished"));
        Assert.Equal("change_address", await IntentsTests.IntentOfAsync(customer, "we just moved house, where do I put the new location"));
        Assert.Equal("gift_wrap", await IntentsTests.IntentOfAsync(customer, "it's for my mum's birthday, could you make it look nice as a present"));
        Assert.Equal("store_pickup", await IntentsTests.IntentOfAsync(customer, "can I just swing by your shop and grab it"));
        Assert.Equal("human_handoff", await IntentsTests.IntentOfAsync(customer, "can I talk to a real person"));

        // Another tenant's turns keep the built-in model (no encoder) and never get these intents.
        var other = await app.CreateTenantWithAdminAsync("Other");
        Assert.NotEqual("lost_card", await IntentsTests.IntentOfAsync(other, "my mastercard has vanished"));
        Assert.Equal("default", (await Json.ReadAsync(await other.Client.GetAsync("/api/v1/intents/model"), 200)).GetProperty("status").GetString());
    }
}

public sealed class SqliteEncoderIntentsTests(SqliteApp app) : EncoderIntentsTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresEncoderIntentsTests(PostgresApp app) : EncoderIntentsTests(app), IClassFixture<PostgresApp>;

/// <summary>Parley:Understanding:IntentEncoder=Never keeps every tenant's model n-grams only; bad values stop the server at start.</summary>
public sealed class EncoderSettingTests(EncoderSettingTests.NeverApp app) : IClassFixture<EncoderSettingTests.NeverApp>
{
    [Fact]
    public async Task Never_trains_ten_shot_tenants_without_the_encoder()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        foreach (var (name, examples) in EncoderIntentsTests.TenShot)
        {
            await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/intents", new { name, examples }), 201);
        }

        var stats = await Json.ReadAsync(await admin.Client.PostAsync("/api/v1/intents/train", null), 200);
        Assert.False(stats.GetProperty("encoder").GetBoolean(), stats.ToString());
        Assert.Equal("lost_card", await IntentsTests.IntentOfAsync(admin, "I lost my credit card yesterday"));
    }

    [Theory]
    [InlineData("Parley:Understanding:IntentEncoder", "Sometimes")]
    [InlineData("Parley:Understanding:IntentEncoderBelowMedian", "0")]
    [InlineData("Parley:Understanding:IntentEncoderHiddenUnits", "-1")]
    [InlineData("Parley:Understanding:IntentEncoderHiddenUnits", "5000")]
    public async Task A_bad_encoder_setting_stops_the_server_at_start(string key, string value)
    {
        var bad = new BadApp(key, value);
        var error = await Assert.ThrowsAnyAsync<Exception>(bad.InitializeAsync);
        Assert.Contains(key.Split(':')[^1], error.ToString(), StringComparison.Ordinal);
        await bad.DisposeAsync();
    }

    public sealed class NeverApp : ParleyApp
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Parley:Understanding:IntentEncoder", "Never")];
    }

    private sealed class BadApp(string key, string value) : ParleyApp
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new(key, value)];
    }
}
