using System.Net.Http.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Identity;

public abstract class RoleTests(ParleyApp app)
{
    [Fact]
    public async Task Users_cannot_use_admin_endpoints()
    {
        var user = await app.RegisterAsync();
        await Json.ReadErrorAsync(await user.Client.GetAsync("/api/v1/users"), 403, "AUTHORIZATION_ERROR");
        await Json.ReadErrorAsync(await user.Client.PostAsJsonAsync("/api/v1/users", new { email = "x@example.com", password = "password123" }), 403);
        await Json.ReadErrorAsync(await user.Client.PutAsJsonAsync($"/api/v1/users/{user.Id}", new { role = "admin" }), 403);
        await Json.ReadErrorAsync(await user.Client.DeleteAsync($"/api/v1/users/{app.Admin.Id}"), 403);
    }

    [Fact]
    public async Task A_user_sees_only_themselves_but_agents_see_their_tenant()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var user = await app.CreateUserAsync(admin);
        var other = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        await Json.ReadAsync(await user.Client.GetAsync($"/api/v1/users/{user.Id}"), 200);
        await Json.ReadErrorAsync(await user.Client.GetAsync($"/api/v1/users/{other.Id}"), 404);
        await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/users/{other.Id}"), 200);
    }

    [Fact]
    public async Task A_role_change_takes_effect_on_the_next_request_with_the_same_token()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var user = await app.CreateUserAsync(admin);
        await Json.ReadErrorAsync(await user.Client.GetAsync("/api/v1/users"), 403);
        var changed = await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/users/{user.Id}", new { role = "admin", full_name = "Promoted" }), 200);
        Assert.Equal("admin", changed.GetProperty("role").GetString());
        await Json.ReadAsync(await user.Client.GetAsync("/api/v1/users"), 200);

        await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/users/{user.Id}", new { role = "user" }), 200);
        await Json.ReadErrorAsync(await user.Client.GetAsync("/api/v1/users"), 403);
    }

    [Fact]
    public async Task Deactivating_or_deleting_a_user_ends_their_access()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var user = await app.CreateUserAsync(admin);
        await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/users/{user.Id}", new { is_active = false }), 200);
        await Json.ReadErrorAsync(await user.Client.GetAsync("/api/v1/auth/me"), 401);

        var doomed = await app.CreateUserAsync(admin);
        Assert.Equal(204, (int)(await admin.Client.DeleteAsync($"/api/v1/users/{doomed.Id}")).StatusCode);
        await Json.ReadErrorAsync(await doomed.Client.GetAsync("/api/v1/auth/me"), 401);
        await Json.ReadErrorAsync(await admin.Client.GetAsync($"/api/v1/users/{doomed.Id}"), 404);
    }

    [Fact]
    public async Task The_last_admin_cannot_be_demoted_or_delete_themselves()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync($"/api/v1/users/{admin.Id}", new { role = "user" }), 409, "CONFLICT");
        await Json.ReadErrorAsync(await admin.Client.DeleteAsync($"/api/v1/users/{admin.Id}"), 409);
        var me = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/auth/me"), 200);
        Assert.Equal("admin", me.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Api_keys_authenticate_by_header_or_bearer_are_capped_and_revocable()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var user = await app.CreateUserAsync(admin);
        await Json.ReadErrorAsync(await user.Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "too-strong", role = "admin" }), 403);

        var created = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "ci", role = "user", expires_in_days = 30 }), 201);
        var key = created.GetProperty("key").GetString()!;
        Assert.StartsWith("prk_", key);
        Assert.StartsWith(created.GetProperty("prefix").GetString()!, key);

        var byHeader = app.Anonymous();
        byHeader.DefaultRequestHeaders.Add("X-API-Key", key);
        var me = await Json.ReadAsync(await byHeader.GetAsync("/api/v1/auth/me"), 200);
        Assert.Equal(admin.Id, me.GetProperty("id").GetGuid());
        // The key was made with role "user", so it cannot do what its admin owner can.
        await Json.ReadErrorAsync(await byHeader.GetAsync("/api/v1/users"), 403);
        await Json.ReadErrorAsync(await byHeader.PostAsJsonAsync("/api/v1/api-keys", new { name = "child" }), 403);
        await Json.ReadAsync(await app.Authorized(key).GetAsync("/api/v1/auth/me"), 200);

        var listed = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/api-keys"), 200);
        var row = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, row.GetProperty("key").ValueKind);

        Assert.Equal(204, (int)(await admin.Client.DeleteAsync($"/api/v1/api-keys/{created.GetProperty("id").GetGuid()}")).StatusCode);
        await Json.ReadErrorAsync(await byHeader.GetAsync("/api/v1/auth/me"), 401);
        await Json.ReadErrorAsync(await app.Authorized("prk_made_up_key").GetAsync("/api/v1/auth/me"), 401);
    }
}

public sealed class SqliteRoleTests(SqliteApp app) : RoleTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresRoleTests(PostgresApp app) : RoleTests(app), IClassFixture<PostgresApp>;
