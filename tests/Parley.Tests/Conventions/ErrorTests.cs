using System.Net.Http.Json;
using System.Text;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Conventions;

/// <summary>Bad input gets a clear 4xx in the one error envelope, never a 500.</summary>
public sealed class ErrorTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private static StringContent JsonBody(string text) => new(text, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Malformed_json_is_400()
    {
        var response = await app.Admin.Client.PostAsync("/api/v1/users", JsonBody("""{"email": "a@example.com", """));
        await Json.ReadErrorAsync(response, 400, "MALFORMED_JSON");
    }

    [Fact]
    public async Task A_wrong_type_is_422_naming_the_field()
    {
        var response = await app.Admin.Client.PostAsync("/api/v1/users", JsonBody("""{"email": "a@example.com", "password": 12345678}"""));
        var body = await Json.ReadErrorAsync(response, 422, "VALIDATION_ERROR");
        Assert.Equal("password", body.GetProperty("error").GetProperty("details")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_wrong_content_type_is_415()
    {
        var response = await app.Admin.Client.PostAsync("/api/v1/users", new StringContent("email=a@example.com", Encoding.UTF8, "text/plain"));
        await Json.ReadErrorAsync(response, 415, "UNSUPPORTED_MEDIA_TYPE");
        var anonymous = await app.Anonymous().PostAsync("/api/v1/auth/register", new StringContent("hello", Encoding.UTF8, "text/plain"));
        await Json.ReadErrorAsync(anonymous, 415);
    }

    [Fact]
    public async Task An_oversize_body_is_413_and_nothing_is_written()
    {
        var huge = new string('a', 2 * 1024 * 1024);
        var email = $"big{Guid.NewGuid():N}@example.com";
        // Expect: 100-continue, as a client sending a large body should: Parley answers 413 from the
        // Content-Length alone. Without it the client may still be writing when the server has answered and
        // closed, and then sees a broken pipe instead of the answer (CI saw this once).
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users")
        {
            Content = JsonBody($$"""{"email":"{{email}}","password":"password123","full_name":"{{huge}}"}"""),
        };
        request.Headers.ExpectContinue = true;
        var response = await app.Admin.Client.SendAsync(request);
        await Json.ReadErrorAsync(response, 413, "PAYLOAD_TOO_LARGE");
        var search = await Json.ReadAsync(await app.Admin.Client.GetAsync($"/api/v1/users?search={email}"), 200);
        Assert.Equal(0, search.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Json_null_body_is_a_clear_error()
    {
        await Json.ReadErrorAsync(await app.Anonymous().PostAsync("/api/v1/auth/login", JsonBody("null")), 422);
        await Json.ReadErrorAsync(await app.Anonymous().PostAsync("/api/v1/auth/login", JsonBody("")), 400);
    }

    [Fact]
    public async Task Unknown_routes_and_methods_use_the_envelope()
    {
        await Json.ReadErrorAsync(await app.Anonymous().GetAsync("/api/v1/no-such-thing"), 404, "NOT_FOUND");
        await Json.ReadErrorAsync(await app.Anonymous().DeleteAsync("/health"), 405, "METHOD_NOT_ALLOWED");
        await Json.ReadErrorAsync(await app.Admin.Client.GetAsync($"/api/v1/users/{Guid.NewGuid()}"), 404, "NOT_FOUND");
        await Json.ReadErrorAsync(await app.Admin.Client.GetAsync("/api/v1/users/not-a-guid"), 404);
    }

    [Fact]
    public async Task Request_id_is_echoed_or_generated_and_appears_in_errors()
    {
        var client = app.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
        request.Headers.Add("X-Request-ID", "client-abc-123");
        var response = await client.SendAsync(request);
        Assert.Equal("client-abc-123", response.Headers.GetValues("X-Request-ID").Single());
        var body = await Json.ReadErrorAsync(response, 401);
        Assert.Equal("client-abc-123", body.GetProperty("error").GetProperty("request_id").GetString());

        using var hostile = new HttpRequestMessage(HttpMethod.Get, "/health");
        hostile.Headers.TryAddWithoutValidation("X-Request-ID", "<script>alert(1)</script>");
        var generated = (await client.SendAsync(hostile)).Headers.GetValues("X-Request-ID").Single();
        Assert.StartsWith("req_", generated);
    }

    [Fact]
    public async Task Security_headers_are_on_every_response()
    {
        foreach (var path in new[] { "/health", "/api/v1/auth/me", "/nowhere" })
        {
            var response = await app.Anonymous().GetAsync(path);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("1; mode=block", response.Headers.GetValues("X-XSS-Protection").Single());
            Assert.True(response.Headers.Contains("Referrer-Policy"));
            Assert.False(response.Headers.Contains("Server"));
        }
    }

    [Fact]
    public async Task Errors_never_leak_internals()
    {
        var response = await app.Admin.Client.PostAsync("/api/v1/users", JsonBody("""{"email": ["a"], "role": {"x": 1}}"""));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(422, (int)response.StatusCode);
        Assert.DoesNotContain("System.", text);
        Assert.DoesNotContain(" at ", text);
        await app.Admin.Client.PostAsJsonAsync("/api/v1/users", new { });
    }
}
