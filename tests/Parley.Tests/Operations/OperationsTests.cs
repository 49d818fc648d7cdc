using System.Text.Json;
using System.Text.RegularExpressions;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Operations;

public sealed class OperationsTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task Root_answers_message_version_status()
    {
        var body = await Json.ReadAsync(await app.Anonymous().GetAsync("/"), 200);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
        Assert.Equal("0.1.0", body.GetProperty("version").GetString());
        Assert.Equal("running", body.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/api/v1/health")]
    public async Task Health_answers_status_version_timestamp(string path)
    {
        var body = await Json.ReadAsync(await app.Anonymous().GetAsync(path), 200);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal("0.1.0", body.GetProperty("version").GetString());
        var timestamp = body.GetProperty("timestamp").GetDateTimeOffset();
        Assert.True(Math.Abs((DateTimeOffset.UtcNow - timestamp).TotalMinutes) < 5);
        Assert.True(body.GetProperty("timestamp_unix").GetDouble() > 1_700_000_000);
    }

    [Fact]
    public async Task Detailed_health_reports_the_database_and_its_schema_version()
    {
        var body = await Json.ReadAsync(await app.Anonymous().GetAsync("/health/detailed"), 200);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        var database = body.GetProperty("components").GetProperty("database");
        Assert.Equal("healthy", database.GetProperty("status").GetString());
        Assert.Equal("sqlite", database.GetProperty("data").GetProperty("provider").GetString());
        Assert.Equal(database.GetProperty("data").GetProperty("latest_schema_version").GetInt32(), database.GetProperty("data").GetProperty("schema_version").GetInt32());
    }

    [Fact]
    public async Task Metrics_are_prometheus_text_with_requests_by_route_and_status()
    {
        await app.Anonymous().GetAsync("/api/v1/health");
        await app.Admin.Client.GetAsync("/api/v1/users/me");
        await app.Admin.Client.GetAsync("/api/v1/users");
        var response = await app.Anonymous().GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text);
        Assert.Contains("http_route=\"/api/v1/users/me\"", text);
        Assert.Contains("http_response_status_code=\"200\"", text);
        Assert.Matches(@"http_server_request_duration_seconds_bucket\{[^}]*le=""\+Inf""\} \d+", text);
        Assert.Contains("http_route=\"/api/v1/users\"", text);
        Assert.Matches(@"http_server_request_duration_seconds_count\{[^}]*http_route=""/api/v1/health""[^}]*\} [1-9]", text);
        Assert.Matches(@"\ndotnet_jit_compiled_methods_total [1-9]\d*\n", text);
        Assert.Matches(@"\ndotnet_jit_compilation_seconds_total \d", text);
    }

    [Fact]
    public async Task Openapi_describes_every_endpoint_with_schemas()
    {
        var doc = await Json.ReadAsync(await app.Anonymous().GetAsync("/openapi.json"), 200);
        Assert.StartsWith("3.", doc.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = doc.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/auth/login", "/api/v1/auth/register", "/api/v1/auth/refresh", "/api/v1/users", "/api/v1/users/{id}", "/api/v1/auth/me", "/api/v1/tenants", "/api/v1/api-keys", "/api/v1/health/detailed" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing from the OpenAPI document");
        }

        var register = paths.GetProperty("/api/v1/auth/register").GetProperty("post");
        Assert.True(register.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(register.GetProperty("responses").TryGetProperty("201", out _));
        Assert.True(register.GetProperty("responses").TryGetProperty("422", out _));
        var login = paths.GetProperty("/api/v1/auth/login").GetProperty("post").GetProperty("requestBody").GetProperty("content");
        Assert.True(login.TryGetProperty("application/x-www-form-urlencoded", out _));
        var schemas = doc.GetProperty("components").GetProperty("schemas");
        Assert.True(schemas.TryGetProperty("ApiError", out var error));
        Assert.True(error.GetProperty("properties").TryGetProperty("error_code", out _));
        Assert.True(schemas.TryGetProperty("UserResponse", out var user));
        Assert.True(user.GetProperty("properties").TryGetProperty("subscription_plan", out _));
        Assert.Equal(JsonValueKind.Object, doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").ValueKind);
    }

    [Theory]
    [InlineData("/docs/index.html", "swagger")]
    [InlineData("/redoc/index.html", "redoc")]
    public async Task Interactive_docs_are_served_without_a_network(string path, string marker)
    {
        var response = await app.Anonymous().GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains(marker, html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("openapi.json", html + await (await app.Anonymous().GetAsync(path.Replace("index.html", "index.js", StringComparison.Ordinal))).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>
    /// /redoc works offline: its page names no other host (no web fonts), every script and stylesheet
    /// it references comes from Parley, ReDoc's telemetry is off, and the browser is told to fetch
    /// images, fonts and data only from Parley (ReDoc's bundle shows a logo from a CDN otherwise).
    /// </summary>
    [Fact]
    public async Task Redoc_loads_nothing_from_another_host()
    {
        var client = app.Anonymous();
        var page = await client.GetAsync("/redoc/index.html");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(200, (int)page.StatusCode);
        Assert.DoesNotContain("//", Regex.Replace(html, "<!--.*?-->", "", RegexOptions.Singleline), StringComparison.Ordinal);
        var referenced = Regex.Matches(html, "(?:src|href)=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("index.js", referenced);
        var script = await client.GetStringAsync("/redoc/index.js");
        Assert.Contains("\"disableTelemetry\":true", script, StringComparison.Ordinal);
        foreach (var path in referenced.Append("redoc.standalone.js"))
        {
            var asset = await client.GetAsync("/redoc/" + path);
            Assert.True(asset.IsSuccessStatusCode, $"{path}: {(int)asset.StatusCode}");
        }

        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        foreach (var directive in new[] { "img-src 'self' data:", "font-src 'self' data:", "connect-src 'self'", "frame-ancestors 'none'" })
        {
            Assert.Contains(directive, policy, StringComparison.Ordinal);
        }
    }
}
