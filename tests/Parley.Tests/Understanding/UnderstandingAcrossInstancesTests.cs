using System.Net.Http.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Understanding;

/// <summary>Two instances over one PostgreSQL: a model trained and settings changed through one are used by the other.</summary>
public sealed class UnderstandingAcrossInstancesTests : TwoInstances
{
    // 0: the second instance compares the revision stamp on every turn, so the test needs no waiting.
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Parley:Understanding:RefreshSeconds", "0")];

    [Fact]
    public async Task A_model_trained_on_one_instance_classifies_turns_on_the_other()
    {
        var admin = await First.CreateTenantWithAdminAsync();
        var customer = await First.CreateUserAsync(admin);
        var onSecond = Second.Authorized(customer.AccessToken);

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
