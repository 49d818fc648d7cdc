using System.Net.Http.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Identity;

public abstract class RegistrationTests(ParleyApp app)
{
    [Fact]
    public async Task Register_accepts_document_000_shape_and_answers_user_and_tokens()
    {
        var name = $"u{Guid.NewGuid():N}"[..16];
        var response = await app.Anonymous().PostAsJsonAsync("/api/v1/auth/register",
            new { email = $"{name}@example.com", username = name, password = "password123", full_name = "John Doe" });
        var body = await Json.ReadAsync(response, 201);
        Assert.Equal($"{name}@example.com", body.GetProperty("email").GetString());
        Assert.Equal(name, body.GetProperty("username").GetString());
        Assert.Equal("John Doe", body.GetProperty("full_name").GetString());
        Assert.Equal("user", body.GetProperty("role").GetString());
        Assert.False(body.GetProperty("is_verified").GetBoolean());
        Assert.Equal("bearer", body.GetProperty("token_type").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("access_token").GetString()));
        Assert.Equal(body.GetProperty("id").GetGuid(), body.GetProperty("user").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Register_accepts_document_001_and_002_shapes_at_the_root_path()
    {
        var email = $"p{Guid.NewGuid():N}"[..16] + "@example.com";
        var first = await Json.ReadAsync(await app.Anonymous().PostAsJsonAsync("/auth/register",
            new { email, password = "securepassword123", subscription_plan = "free" }), 201);
        // 001 asks for "free"; the plan shown is the tenant's, the one the quotas apply (issue 19).
        var client = app.Authorized(first.GetProperty("access_token").GetString()!);
        var dashboard = await Json.ReadAsync(await client.GetAsync("/auth/dashboard"), 200);
        Assert.Equal(dashboard.GetProperty("usage").GetProperty("plan").GetString(), first.GetProperty("user").GetProperty("subscription_plan").GetString());
        Assert.True(first.GetProperty("user").GetProperty("is_active").GetBoolean());

        var other = $"n{Guid.NewGuid():N}"[..16] + "@example.com";
        var second = await Json.ReadAsync(await app.Anonymous().PostAsJsonAsync("/auth/register",
            new { email = other, password = "securepassword123", name = "Jane Roe" }), 201);
        Assert.Equal("Jane Roe", second.GetProperty("name").GetString());
        Assert.Equal("Jane Roe", second.GetProperty("full_name").GetString());
        Assert.True(second.TryGetProperty("created_at", out _));
    }

    [Fact]
    public async Task Role_and_tenant_id_in_the_registration_body_are_ignored()
    {
        var tenant = await app.CreateTenantWithAdminAsync();
        var email = $"sneaky{Guid.NewGuid():N}"[..20] + "@example.com";
        var body = await Json.ReadAsync(await app.Anonymous().PostAsJsonAsync("/api/v1/auth/register",
            new { email, password = "password123", role = "admin", tenant_id = tenant.TenantId }), 201);
        Assert.Equal("user", body.GetProperty("role").GetString());
        Assert.Equal(app.Admin.TenantId, body.GetProperty("tenant_id").GetGuid());
        Assert.NotEqual(tenant.TenantId, body.GetProperty("tenant_id").GetGuid());
    }

    [Fact]
    public async Task Duplicate_username_is_a_409_whatever_the_case()
    {
        var user = await app.RegisterAsync();
        var sameName = await app.Anonymous().PostAsJsonAsync("/api/v1/auth/register", new { email = $"x{Guid.NewGuid():N}@example.com", username = user.Username!.ToUpperInvariant(), password = "password123" });
        await Json.ReadErrorAsync(sameName, 409, "CONFLICT");
    }

    [Fact]
    public async Task Registering_an_existing_email_answers_like_a_new_account_and_tells_its_owner()
    {
        var owner = await app.RegisterAsync();
        var fresh = await Json.ReadAsync(await app.Anonymous().PostAsJsonAsync("/api/v1/auth/register",
            new { email = $"f{Guid.NewGuid():N}@example.com", password = "password123" }), 201);
        var taken = await Json.ReadAsync(await app.Anonymous().PostAsJsonAsync("/api/v1/auth/register",
            new { email = owner.Email.ToUpperInvariant(), password = "password123" }), 201);
        Assert.Equal(Names(fresh), Names(taken));
        Assert.Equal(Names(fresh.GetProperty("user")), Names(taken.GetProperty("user")));
        Assert.NotEqual(owner.Id, taken.GetProperty("id").GetGuid());

        // The owner's account is untouched (same password, no access for the newcomer) and the
        // owner hears about the attempt.
        await app.LoginAsync(owner.Email, owner.Password);
        await Json.ReadErrorAsync(await app.Authorized(taken.GetProperty("access_token").GetString()!).GetAsync("/api/v1/auth/me"), 401);
        var list = await Json.ReadAsync(await owner.Client.GetAsync("/api/v1/notifications"), 200);
        Assert.Contains(list.GetProperty("notifications").EnumerateArray(), n => n.GetProperty("category").GetString() == "registration_attempt");
    }

    private static List<string> Names(System.Text.Json.JsonElement body) => [.. body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Invalid_registration_lists_every_bad_field()
    {
        var response = await app.Anonymous().PostAsJsonAsync("/api/v1/auth/register", new { email = "not-an-email", username = "a b", subscription_plan = "gold" });
        var body = await Json.ReadErrorAsync(response, 422, "VALIDATION_ERROR");
        var fields = body.GetProperty("error").GetProperty("details").EnumerateArray().Select(d => d.GetProperty("field").GetString()).ToList();
        Assert.Contains("email", fields);
        Assert.Contains("username", fields);
        Assert.Contains("subscription_plan", fields);
    }

    [Fact]
    public async Task Short_password_is_refused()
    {
        var response = await app.Anonymous().PostAsJsonAsync("/api/v1/auth/register", new { email = $"s{Guid.NewGuid():N}@example.com", password = "short" });
        var body = await Json.ReadErrorAsync(response, 422);
        Assert.Equal("password", body.GetProperty("error").GetProperty("details")[0].GetProperty("field").GetString());
    }
}

public sealed class SqliteRegistrationTests(SqliteApp app) : RegistrationTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresRegistrationTests(PostgresApp app) : RegistrationTests(app), IClassFixture<PostgresApp>;
