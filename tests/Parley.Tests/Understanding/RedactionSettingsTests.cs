using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Understanding;

/// <summary>Per-tenant redaction settings applied to the tenant's turns before anything is stored.</summary>
public abstract class RedactionSettingsTests(ParleyApp app)
{
    private const string Message = "Card 4111 1111 1111 1111, mail me at jane.doe@example.com or help@acme.test";

    private static async Task<(JsonElement Turn, string Stored)> TurnAsync(TestUser user)
    {
        var turn = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/api/v1/chat/process", new { message = Message }), 200);
        var stored = await user.Client.GetStringAsync($"/api/v1/conversations/{turn.GetProperty("session_id").GetGuid()}");
        return (turn, stored);
    }

    [Fact]
    public async Task Tenant_settings_choose_types_masking_and_allowlist_and_reset_to_the_platform_defaults()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var defaults = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/redaction/settings"), 200);
        Assert.True(defaults.GetProperty("is_default").GetBoolean());
        Assert.Equal("placeholder", defaults.GetProperty("masking").GetString());
        Assert.Contains(defaults.GetProperty("effective_types").EnumerateArray(), t => t.GetString() == "EMAIL_ADDRESS");

        var put = await Json.ReadAsync(await admin.Client.PutAsJsonAsync("/api/v1/redaction/settings",
            new { disabled_types = new[] { "email" }, masking = "masked" }), 200);
        Assert.False(put.GetProperty("is_default").GetBoolean());
        Assert.DoesNotContain(put.GetProperty("effective_types").EnumerateArray(), t => t.GetString() == "EMAIL_ADDRESS");

        var (turn, stored) = await TurnAsync(customer);
        Assert.Contains("jane.doe@example.com", stored);
        Assert.DoesNotContain("4111 1111 1111 1111", stored);
        Assert.Contains("**** **** **** 1111", stored);
        Assert.DoesNotContain("[CREDIT_CARD]", stored);
        Assert.Single(turn.GetProperty("redactions").EnumerateArray());

        // An allowlisted value (the tenant's own support address) stays; other emails go.
        await Json.ReadAsync(await admin.Client.PutAsJsonAsync("/api/v1/redaction/settings", new { allowlist = new[] { "help@acme.test" } }), 200);
        (turn, stored) = await TurnAsync(customer);
        Assert.Contains("help@acme.test", stored);
        Assert.DoesNotContain("jane.doe@example.com", stored);
        Assert.Contains("[EMAIL_ADDRESS]", stored);

        // Another tenant still has the platform defaults.
        var other = await app.CreateTenantWithAdminAsync("Other");
        var (_, elsewhere) = await TurnAsync(other);
        Assert.DoesNotContain("help@acme.test", elsewhere);
        Assert.True((await Json.ReadAsync(await other.Client.GetAsync("/api/v1/redaction/settings"), 200)).GetProperty("is_default").GetBoolean());

        await Json.ReadAsync(await admin.Client.DeleteAsync("/api/v1/redaction/settings"), 204);
        (_, stored) = await TurnAsync(customer);
        Assert.DoesNotContain("help@acme.test", stored);
        Assert.True((await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/redaction/settings"), 200)).GetProperty("is_default").GetBoolean());
    }

    [Fact]
    public async Task Bad_settings_and_wrong_roles_are_refused_and_change_nothing()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var agent = await app.CreateUserAsync(admin, "agent");
        await Json.ReadErrorAsync(await agent.Client.GetAsync("/api/v1/redaction/settings"), 403);
        await Json.ReadErrorAsync(await agent.Client.PutAsJsonAsync("/api/v1/redaction/settings", new { disabled_types = new[] { "email" } }), 403);
        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync("/api/v1/redaction/settings", new { disabled_types = new[] { "emial" } }), 422);
        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync("/api/v1/redaction/settings", new { masking = "blur" }), 422);
        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync("/api/v1/redaction/settings", new { masking = "masked", use_masked_values_in_text = false }), 422);
        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync("/api/v1/redaction/settings", new { allowlist = new[] { "" } }), 422);
        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync("/api/v1/redaction/settings", new { enabled_types = "email" }), 422);
        Assert.True((await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/redaction/settings"), 200)).GetProperty("is_default").GetBoolean());
    }
}

public sealed class SqliteRedactionSettingsTests(SqliteApp app) : RedactionSettingsTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresRedactionSettingsTests(PostgresApp app) : RedactionSettingsTests(app), IClassFixture<PostgresApp>;
