using Parley.Client;
using Parley.Tests.Infrastructure;
using Parley.Tests.Integrations;

namespace Parley.Tests.Client;

/// <summary>
/// The parts of Parley.Client the admin console's second set of pages uses, against a real Parley
/// (allowed to call 127.0.0.1) and a real upstream: integrations paged and tested, intent routes,
/// plans, intents and training, lookup lists and redaction settings.
/// </summary>
public abstract class AdminClientTests(LoopbackToolsApp app)
{
    private ParleyClient Connect(TestUser user)
    {
        var client = new ParleyClient(new HttpClient { BaseAddress = app.BaseAddress });
        client.UseTokens(new ParleyTokens(user.AccessToken, user.RefreshToken));
        return client;
    }

    [Fact]
    public async Task Integrations_are_paged_and_the_connection_test_reports_success_then_the_reason_of_a_failure()
    {
        var admin = Connect(await app.CreateTenantWithAdminAsync());
        var upstream = await StatusUpstream.StartAsync(requiredToken: "s3cret-token");
        var created = await admin.Integrations.CreateAsync(new
        {
            name = "Orders service",
            integration_type = "http",
            config = new { endpoint = upstream.Url(), test_path = "/health" },
            credentials = new { token = "s3cret-token" },
        });
        for (var i = 0; i < 2; i++)
        {
            await admin.Integrations.CreateAsync(new { name = $"Other {i}", integration_type = "http", config = new { endpoint = upstream.Url() } });
        }

        var page = await admin.Integrations.PageAsync(new ListQuery { Page = 1, Size = 2, Sort = "name:asc" });
        Assert.Equal(3, page.Total);
        Assert.Equal(2, page.Pages);
        Assert.Equal(["Orders service", "Other 0"], page.Items.Select(i => i.Name));
        var shown = page.Items[0];
        Assert.True(shown.HasCredentials);
        Assert.Equal(upstream.Url(), shown.Config.GetProperty("endpoint").GetString()!.TrimEnd('/'));
        Assert.DoesNotContain("s3cret-token", System.Text.Json.JsonSerializer.Serialize(shown, ParleyJson.Options), StringComparison.Ordinal);

        var ok = await admin.Integrations.TestAsync(created.Id);
        Assert.True(ok.Success);
        Assert.Equal("success", ok.Status);
        Assert.Equal(200, ok.HttpStatus);
        Assert.Equal(created.Id, ok.IntegrationId);
        Assert.True(ok.DurationMs >= 0);

        await upstream.DisposeAsync();
        var failed = await admin.Integrations.TestAsync(created.Id);
        Assert.False(failed.Success);
        Assert.Equal("failed", failed.Status);
        Assert.Equal("unreachable", failed.Reason);
        Assert.False((await admin.Integrations.GetAsync(created.Id)).LastTestSuccess);

        var missing = await Assert.ThrowsAsync<ParleyApiException>(() => admin.Integrations.TestAsync(Guid.NewGuid()));
        Assert.Equal(404, missing.Status);
    }

    [Fact]
    public async Task Intent_routes_are_created_listed_changed_and_deleted()
    {
        var admin = Connect(await app.CreateTenantWithAdminAsync());
        var route = await admin.ToolRoutes.CreateAsync(new { intent = "order_status", keywords = new[] { "where is my order" }, tool_id = "knowledge_search", arguments = new { query = "{message}" }, min_confidence = 0.6 });
        Assert.Equal("order_status", route.Intent);
        Assert.Equal(["where is my order"], route.Keywords);
        Assert.Equal("{message}", route.Arguments.GetProperty("query").GetString());

        var changed = await admin.ToolRoutes.UpdateAsync(route.Id, new { intent = "order_status", tool_id = "knowledge_search", keywords = new[] { "parcel" }, min_confidence = 0.3 });
        Assert.Equal(0.3, changed.MinConfidence, 3);
        var listed = await admin.ToolRoutes.ListAsync(new ListQuery { Size = 10 });
        Assert.Equal(route.Id, Assert.Single(listed.Items).Id);

        var unknownTool = await Assert.ThrowsAsync<ParleyApiException>(() => admin.ToolRoutes.CreateAsync(new { intent = "x", tool_id = "no_such_tool" }));
        Assert.Equal(422, unknownTool.Status);

        await admin.ToolRoutes.DeleteAsync(route.Id);
        Assert.Equal(0, (await admin.ToolRoutes.ListAsync()).Total);
    }

    [Fact]
    public async Task Plans_are_typed_and_the_usage_carries_the_limits()
    {
        var admin = Connect(await app.CreateTenantWithAdminAsync());
        var plans = await admin.Plans.ListAsync();
        Assert.Equal(["free", "pro", "enterprise"], plans.Select(p => p.Name));
        Assert.True(plans[0].Limits.Messages > 0);
        Assert.Equal(0, plans[2].Limits.Messages);
        var usage = (await admin.Plans.UsageAsync()).Usage!;
        Assert.Equal(plans.Single(p => p.Name == usage.Plan).Limits.Messages, usage.Limits.GetProperty("messages").GetInt64());
    }

    [Fact]
    public async Task Intents_lookups_and_redaction_settings_round_trip_and_training_answers_metrics()
    {
        var admin = Connect(await app.CreateTenantWithAdminAsync());
        var intent = await admin.Understanding.CreateIntentAsync(new { name = "loyalty_points", examples = new[] { "how many loyalty points do I have", "check my points balance", "loyalty points total" } });
        Assert.Equal("custom", intent.Source);
        var page = await admin.Understanding.IntentsAsync(new ListQuery { Search = "loyalty", Size = 10 });
        Assert.Equal("loyalty_points", Assert.Single(page.Items).Name);
        var greet = await admin.Understanding.UpdateIntentAsync("greet", new { examples = new[] { "ahoy there" } });
        Assert.Equal("override", greet.Source);
        Assert.Contains("ahoy there", greet.Examples);

        Assert.Equal("default", (await admin.Understanding.ModelAsync()).Status);
        var stats = await admin.Understanding.TrainAsync();
        Assert.Equal(1, stats.ModelVersion);
        Assert.Contains("loyalty_points", stats.IntentNames);
        Assert.InRange(stats.HeldOutAccuracy!.Value, 0, 1);
        var model = await admin.Understanding.ModelAsync();
        Assert.Equal("trained", model.Status);
        Assert.Equal(1, model.Stats!.ModelVersion);

        var lookup = await admin.Understanding.CreateLookupAsync(new { name = "membership", entries = new[] { new LookupEntry("Gold", ["gold tier"]) } });
        Assert.Equal(1, lookup.EntryCount);
        lookup = await admin.Understanding.UpdateLookupAsync(lookup.Id, new { entries = new[] { new LookupEntry("Gold", ["gold tier"]), new LookupEntry("Silver", []) } });
        Assert.Equal(["Gold", "Silver"], lookup.Entries.Select(e => e.Value));
        Assert.Equal(1, (await admin.Understanding.LookupsAsync()).Total);
        await admin.Understanding.DeleteLookupAsync(lookup.Id);

        var platform = await admin.Understanding.RedactionAsync();
        Assert.True(platform.IsDefault);
        Assert.Contains("EMAIL_ADDRESS", platform.EffectiveTypes);
        var changed = await admin.Understanding.SetRedactionAsync(new { disabled_types = new[] { "EMAIL_ADDRESS" }, masking = "masked" });
        Assert.False(changed.IsDefault);
        Assert.DoesNotContain("EMAIL_ADDRESS", changed.EffectiveTypes);
        Assert.True(changed.UseMaskedValuesInText);
        var typo = await Assert.ThrowsAsync<ParleyApiException>(() => admin.Understanding.SetRedactionAsync(new { disabled_types = new[] { "EMAIL_ADRESS" } }));
        Assert.Equal(422, typo.Status);
        await admin.Understanding.ResetRedactionAsync();
        Assert.True((await admin.Understanding.RedactionAsync()).IsDefault);
    }
}

public sealed class SqliteAdminClientTests(LoopbackToolsApp app) : AdminClientTests(app), IClassFixture<LoopbackToolsApp>;

public sealed class PostgresAdminClientTests(PostgresLoopbackToolsApp app) : AdminClientTests(app), IClassFixture<PostgresLoopbackToolsApp>;
