using System.Net.Http.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Plans;

/// <summary>
/// One plan per tenant (issue 19): every answer that shows a plan shows the tenant's, the one the
/// quotas use. Before, /auth/me and the user records showed a per-user copy ("free") while the
/// dashboard showed the tenant's ("enterprise").
/// </summary>
public abstract class TenantPlanTests(ParleyApp app)
{
    [Fact]
    public async Task Every_answer_shows_the_tenants_plan_and_follows_a_change_at_once()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        await Json.ReadAsync(await app.Admin.Client.PutAsJsonAsync($"/api/v1/tenants/{admin.TenantId}/plan", new { plan = "enterprise" }), 200);

        foreach (var who in new[] { admin, customer })
        {
            var dashboard = await Json.ReadAsync(await who.Client.GetAsync("/api/v1/auth/dashboard"), 200);
            Assert.Equal("enterprise", dashboard.GetProperty("user").GetProperty("subscription_plan").GetString());
            Assert.Equal("enterprise", (await Json.ReadAsync(await who.Client.GetAsync("/api/v1/auth/me"), 200)).GetProperty("subscription_plan").GetString());
            Assert.Equal("enterprise", (await Json.ReadAsync(await who.Client.GetAsync("/api/v1/users/me"), 200)).GetProperty("subscription_plan").GetString());
            var login = await Json.ReadAsync(await app.Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { email = who.Email, password = who.Password }), 200);
            Assert.Equal("enterprise", login.GetProperty("user").GetProperty("subscription_plan").GetString());
            var refreshed = await Json.ReadAsync(await app.Anonymous().PostAsJsonAsync("/api/v1/auth/refresh", new { refresh_token = login.GetProperty("refresh_token").GetString() }), 200);
            Assert.Equal("enterprise", refreshed.GetProperty("user").GetProperty("subscription_plan").GetString());
        }

        var listed = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/users"), 200);
        Assert.All(listed.GetProperty("items").EnumerateArray(), u => Assert.Equal("enterprise", u.GetProperty("subscription_plan").GetString()));
        Assert.Equal("enterprise", (await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/users/{customer.Id}"), 200)).GetProperty("subscription_plan").GetString());
        var created = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/users", new { email = $"p-{Guid.NewGuid():N}@example.com", password = "Pass-plan-12" }), 201);
        Assert.Equal("enterprise", created.GetProperty("subscription_plan").GetString());

        // A change shows at once, also to a caller whose profile was just read (and cached).
        await Json.ReadAsync(await app.Admin.Client.PutAsJsonAsync($"/api/v1/tenants/{admin.TenantId}/plan", new { plan = "pro" }), 200);
        Assert.Equal("pro", (await Json.ReadAsync(await customer.Client.GetAsync("/api/v1/auth/me"), 200)).GetProperty("subscription_plan").GetString());
        Assert.Equal("pro", (await Json.ReadAsync(await customer.Client.GetAsync("/api/v1/auth/dashboard"), 200)).GetProperty("user").GetProperty("subscription_plan").GetString());
    }

    [Fact]
    public async Task A_per_user_plan_other_than_the_tenants_is_refused_naming_the_tenant_route()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var body = await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/users",
            new { email = $"p-{Guid.NewGuid():N}@example.com", password = "Pass-plan-12", subscription_plan = "enterprise" }), 422, "VALIDATION_ERROR");
        Assert.Equal("subscription_plan", body.GetProperty("error").GetProperty("details")[0].GetProperty("field").GetString());
        Assert.Contains("/plan", body.GetProperty("error").GetProperty("details")[0].GetProperty("message").GetString());

        var customer = await app.CreateUserAsync(admin);
        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync($"/api/v1/users/{customer.Id}", new { subscription_plan = "pro" }), 422, "VALIDATION_ERROR");
        // The tenant's own plan is accepted (a client that echoes a user record back).
        await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/users/{customer.Id}", new { subscription_plan = "free" }), 200);
    }
}

public sealed class SqliteTenantPlanTests(SqliteApp app) : TenantPlanTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresTenantPlanTests(PostgresApp app) : TenantPlanTests(app), IClassFixture<PostgresApp>;
