using System.Net.Http.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Identity;

public abstract class TenancyTests(ParleyApp app)
{
    [Fact]
    public async Task A_user_of_tenant_A_gets_404_for_every_resource_of_tenant_B()
    {
        var adminA = await app.CreateTenantWithAdminAsync("A");
        var userA = await app.CreateUserAsync(adminA);
        var adminB = await app.CreateTenantWithAdminAsync("B");
        var userB = await app.CreateUserAsync(adminB);
        var keyB = await Json.ReadAsync(await userB.Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "b-key" }), 201);
        var keyId = keyB.GetProperty("id").GetGuid();

        foreach (var caller in new[] { adminA, userA })
        {
            await Json.ReadErrorAsync(await caller.Client.GetAsync($"/api/v1/users/{userB.Id}"), 404, "NOT_FOUND");
            await Json.ReadErrorAsync(await caller.Client.GetAsync($"/api/v1/tenants/{adminB.TenantId}"), 404, "NOT_FOUND");
            await Json.ReadErrorAsync(await caller.Client.DeleteAsync($"/api/v1/api-keys/{keyId}"), 404, "NOT_FOUND");
        }

        // Admin-only writes also answer 404 for the other tenant's ids, and change nothing.
        await Json.ReadErrorAsync(await adminA.Client.PutAsJsonAsync($"/api/v1/users/{userB.Id}", new { role = "admin" }), 404);
        await Json.ReadErrorAsync(await adminA.Client.DeleteAsync($"/api/v1/users/{userB.Id}"), 404);
        var stillThere = await Json.ReadAsync(await adminB.Client.GetAsync($"/api/v1/users/{userB.Id}"), 200);
        Assert.Equal("user", stillThere.GetProperty("role").GetString());
        await Json.ReadAsync(await app.Anonymous().SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me") { Headers = { { "X-API-Key", keyB.GetProperty("key").GetString() } } }), 200);
    }

    [Fact]
    public async Task Lists_show_only_the_callers_tenant()
    {
        var adminA = await app.CreateTenantWithAdminAsync("A");
        var userA = await app.CreateUserAsync(adminA);
        var adminB = await app.CreateTenantWithAdminAsync("B");
        await app.CreateUserAsync(adminB);

        var list = await Json.ReadAsync(await adminA.Client.GetAsync("/api/v1/users?size=100"), 200);
        var ids = list.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("id").GetGuid()).ToHashSet();
        Assert.Equal(new HashSet<Guid> { adminA.Id, userA.Id }, ids);
        Assert.Equal(2, list.GetProperty("total").GetInt64());

        await userA.Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "a-key" });
        var keysB = await Json.ReadAsync(await adminB.Client.GetAsync("/api/v1/api-keys?all=true"), 200);
        Assert.Equal(0, keysB.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Users_created_by_a_tenant_admin_land_in_that_tenant()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var agent = await app.CreateUserAsync(admin, "agent");
        Assert.Equal(admin.TenantId, agent.TenantId);
        Assert.Equal("agent", agent.Role);
        var current = await Json.ReadAsync(await agent.Client.GetAsync("/api/v1/tenants/current"), 200);
        Assert.Equal(admin.TenantId, current.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Only_platform_admins_manage_tenants()
    {
        var tenantAdmin = await app.CreateTenantWithAdminAsync();
        await Json.ReadErrorAsync(await tenantAdmin.Client.GetAsync("/api/v1/tenants"), 403);
        await Json.ReadErrorAsync(await tenantAdmin.Client.PostAsJsonAsync("/api/v1/tenants", new { name = "Mine" }), 403);
        var all = await Json.ReadAsync(await app.Admin.Client.GetAsync("/api/v1/tenants?search=A&size=100"), 200);
        Assert.Contains(all.GetProperty("items").EnumerateArray(), t => t.GetProperty("id").GetGuid() == tenantAdmin.TenantId);
    }

    [Fact]
    public async Task A_deactivated_tenant_cannot_sign_in_or_use_old_tokens()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await Json.ReadAsync(await app.Admin.Client.PutAsJsonAsync($"/api/v1/tenants/{admin.TenantId}", new { is_active = false }), 200);
        await Json.ReadErrorAsync(await admin.Client.GetAsync("/api/v1/auth/me"), 401);
        await Json.ReadErrorAsync(await app.Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { email = admin.Email, password = admin.Password }), 403);
    }
}

public sealed class SqliteTenancyTests(SqliteApp app) : TenancyTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresTenancyTests(PostgresApp app) : TenancyTests(app), IClassFixture<PostgresApp>;
