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
        Assert.Equal("free", first.GetProperty("user").GetProperty("subscription_plan").GetString());
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
    public async Task Duplicate_email_or_username_is_a_409_whatever_the_case()
    {
        var user = await app.RegisterAsync();
        var sameEmail = await app.Anonymous().PostAsJsonAsync("/api/v1/auth/register", new { email = user.Email.ToUpperInvariant(), password = "password123" });
        await Json.ReadErrorAsync(sameEmail, 409, "CONFLICT");
        var sameName = await app.Anonymous().PostAsJsonAsync("/api/v1/auth/register", new { email = $"x{Guid.NewGuid():N}@example.com", username = user.Username, password = "password123" });
        await Json.ReadErrorAsync(sameName, 409, "CONFLICT");
    }

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
