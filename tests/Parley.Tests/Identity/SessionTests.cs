using System.Net.Http.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Identity;

public abstract class SessionTests(ParleyApp app)
{
    [Fact]
    public async Task Login_accepts_json_by_email_and_by_username()
    {
        var user = await app.RegisterAsync();
        var byEmail = await Json.ReadAsync(await app.Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password }), 200);
        var byName = await Json.ReadAsync(await app.Anonymous().PostAsJsonAsync("/auth/login", new { username = user.Username, password = user.Password }), 200);
        foreach (var body in new[] { byEmail, byName })
        {
            Assert.Equal("bearer", body.GetProperty("token_type").GetString());
            Assert.Equal(1800, body.GetProperty("expires_in").GetInt32());
            Assert.StartsWith("prt_", body.GetProperty("refresh_token").GetString());
            Assert.Equal(user.Id, body.GetProperty("user").GetProperty("id").GetGuid());
        }
    }

    [Fact]
    public async Task Login_accepts_form_data_with_the_email_in_username_as_document_000_sends_it()
    {
        var user = await app.RegisterAsync();
        using var form = new FormUrlEncodedContent([new("username", user.Email), new("password", user.Password)]);
        var body = await Json.ReadAsync(await app.Anonymous().PostAsync("/api/v1/auth/login", form), 200);
        var token = body.GetProperty("access_token").GetString()!;
        var me = await Json.ReadAsync(await app.Authorized(token).GetAsync("/api/v1/auth/me"), 200);
        Assert.Equal(user.Email, me.GetProperty("email").GetString());
    }

    [Fact]
    public async Task Wrong_password_and_unknown_account_get_the_same_401()
    {
        var user = await app.RegisterAsync();
        var wrong = await Json.ReadErrorAsync(await app.Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "not-the-password" }), 401, "AUTHENTICATION_ERROR");
        var unknown = await Json.ReadErrorAsync(await app.Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { email = "nobody@example.com", password = "whatever1" }), 401);
        Assert.Equal(wrong.GetProperty("detail").GetString(), unknown.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Me_answers_at_both_documented_paths()
    {
        var user = await app.RegisterAsync();
        var auth = await Json.ReadAsync(await user.Client.GetAsync("/api/v1/auth/me"), 200);
        var users = await Json.ReadAsync(await user.Client.GetAsync("/users/me"), 200);
        Assert.Equal(user.Id, auth.GetProperty("id").GetGuid());
        Assert.Equal(auth.GetRawText(), users.GetRawText());
        await Json.ReadErrorAsync(await app.Anonymous().GetAsync("/api/v1/auth/me"), 401, "AUTHENTICATION_ERROR");
    }

    [Fact]
    public async Task Refresh_rotates_the_token_and_the_old_one_stops_working()
    {
        var user = await app.RegisterAsync();
        var first = await Json.ReadAsync(await app.Anonymous().PostAsJsonAsync("/api/v1/auth/refresh", new { refresh_token = user.RefreshToken }), 200);
        var rotated = first.GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(user.RefreshToken, rotated);
        var newAccess = first.GetProperty("access_token").GetString()!;
        await Json.ReadAsync(await app.Authorized(newAccess).GetAsync("/api/v1/auth/me"), 200);

        var second = await Json.ReadAsync(await app.Anonymous().PostAsJsonAsync("/auth/refresh", new { refresh_token = rotated }), 200);
        Assert.NotEqual(rotated, second.GetProperty("refresh_token").GetString());
    }

    [Fact]
    public async Task Reusing_a_rotated_refresh_token_revokes_the_whole_family()
    {
        var user = await app.RegisterAsync();
        var rotated = await Json.ReadAsync(await app.Anonymous().PostAsJsonAsync("/api/v1/auth/refresh", new { refresh_token = user.RefreshToken }), 200);
        var newest = rotated.GetProperty("refresh_token").GetString()!;
        var newestAccess = rotated.GetProperty("access_token").GetString()!;

        // An attacker replays the stolen, already-used token.
        await Json.ReadErrorAsync(await app.Anonymous().PostAsJsonAsync("/api/v1/auth/refresh", new { refresh_token = user.RefreshToken }), 401);

        // Every token of that login is now dead: the newest refresh token and the access tokens.
        await Json.ReadErrorAsync(await app.Anonymous().PostAsJsonAsync("/api/v1/auth/refresh", new { refresh_token = newest }), 401);
        await Json.ReadErrorAsync(await app.Authorized(newestAccess).GetAsync("/api/v1/auth/me"), 401);
        await Json.ReadErrorAsync(await user.Client.GetAsync("/api/v1/auth/me"), 401);

        // Other logins of the same person are untouched.
        var again = await app.LoginAsync(user.Email, user.Password);
        await Json.ReadAsync(await again.Client.GetAsync("/api/v1/auth/me"), 200);
    }

    [Fact]
    public async Task Refresh_with_the_access_token_as_bearer_issues_a_new_access_token()
    {
        var user = await app.RegisterAsync();
        var body = await Json.ReadAsync(await user.Client.PostAsync("/api/v1/auth/refresh", null), 200);
        Assert.Equal("bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(1800, body.GetProperty("expires_in").GetInt32());
        var token = body.GetProperty("access_token").GetString()!;
        await Json.ReadAsync(await app.Authorized(token).GetAsync("/api/v1/auth/me"), 200);
    }

    [Fact]
    public async Task Refresh_without_any_credential_is_401_and_garbage_token_is_401()
    {
        await Json.ReadErrorAsync(await app.Anonymous().PostAsync("/api/v1/auth/refresh", null), 401);
        await Json.ReadErrorAsync(await app.Anonymous().PostAsJsonAsync("/api/v1/auth/refresh", new { refresh_token = "prt_garbage" }), 401);
    }

    [Fact]
    public async Task Logout_revokes_the_session_access_and_refresh_tokens()
    {
        var user = await app.RegisterAsync();
        var body = await Json.ReadAsync(await user.Client.PostAsync("/api/v1/auth/logout", null), 200);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
        await Json.ReadErrorAsync(await user.Client.GetAsync("/api/v1/auth/me"), 401);
        await Json.ReadErrorAsync(await app.Anonymous().PostAsJsonAsync("/api/v1/auth/refresh", new { refresh_token = user.RefreshToken }), 401);
    }

    [Fact]
    public async Task Logout_with_only_the_refresh_token_works()
    {
        var user = await app.RegisterAsync();
        await Json.ReadAsync(await app.Anonymous().PostAsJsonAsync("/auth/logout", new { refresh_token = user.RefreshToken }), 200);
        await Json.ReadErrorAsync(await user.Client.GetAsync("/api/v1/auth/me"), 401);
    }

    [Fact]
    public async Task Update_me_changes_the_profile_but_never_role_or_tenant()
    {
        var user = await app.RegisterAsync();
        var tenant = await app.CreateTenantWithAdminAsync();
        var body = await Json.ReadAsync(await user.Client.PutAsJsonAsync("/api/v1/users/me",
            new { full_name = "New Name", role = "admin", tenant_id = tenant.TenantId }), 200);
        Assert.Equal("New Name", body.GetProperty("full_name").GetString());
        Assert.Equal("user", body.GetProperty("role").GetString());
        Assert.Equal(user.TenantId, body.GetProperty("tenant_id").GetGuid());

        // And it really is not admin: the admin-only list is still refused.
        await Json.ReadErrorAsync(await user.Client.GetAsync("/api/v1/users"), 403, "AUTHORIZATION_ERROR");
    }

    [Fact]
    public async Task Changing_password_needs_the_current_one_and_ends_other_sessions()
    {
        var user = await app.RegisterAsync();
        var other = await app.LoginAsync(user.Email, user.Password);
        await Json.ReadErrorAsync(await user.Client.PutAsJsonAsync("/api/v1/users/me", new { password = "brand-new-pass", current_password = "wrong-one" }), 422);
        await Json.ReadAsync(await user.Client.PutAsJsonAsync("/api/v1/users/me", new { password = "brand-new-pass", current_password = user.Password }), 200);

        await Json.ReadAsync(await user.Client.GetAsync("/api/v1/auth/me"), 200);
        await Json.ReadErrorAsync(await other.Client.GetAsync("/api/v1/auth/me"), 401);
        await app.LoginAsync(user.Email, "brand-new-pass");
    }
}

public sealed class SqliteSessionTests(SqliteApp app) : SessionTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresSessionTests(PostgresApp app) : SessionTests(app), IClassFixture<PostgresApp>;
