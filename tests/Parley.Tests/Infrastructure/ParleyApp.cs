using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Parley.Tests.Infrastructure;

/// <summary>
/// A real Parley server on Kestrel (127.0.0.1, a free port) over a real database, spoken to with
/// real HttpClients. Each instance has its own data directory and database; its first account is
/// the platform admin.
/// </summary>
public abstract class ParleyApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public string DataDir { get; } = Directory.CreateTempSubdirectory("parley-test-").FullName;

    private TestUser? _admin;

    /// <summary>Register the first account (the platform admin) once the server is up.</summary>
    public bool RegisterAdminOnStart { get; init; } = true;

    /// <summary>The platform tenant's admin (the first registered account).</summary>
    public TestUser Admin => _admin ?? throw new InvalidOperationException("InitializeAsync has not run.");

    /// <summary>Settings layered over the defaults; subclasses add the database and overrides.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings() => [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Parley:DataDir"] = DataDir,
            // Hashing at production strength (210k iterations) would make each login ~0.2 s.
            ["Parley:Auth:PasswordIterations"] = "1000",
            ["Parley:RateLimiting:Enabled"] = "false",
            ["Parley:Auth:MaxFailedLoginsPerIp"] = "100000",
            ["Logging:LogLevel:Default"] = "Warning",
            // One access log line per request would bury a failing test's output.
            ["Logging:LogLevel:Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware"] = "Warning",
        };
        foreach (var (key, value) in Settings())
        {
            settings[key] = value;
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public virtual async Task InitializeAsync()
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        BaseAddress = new Uri(addresses.First());
        if (!RegisterAdminOnStart)
        {
            return;
        }

        _admin = await RegisterAsync("admin");
        if (_admin.Role != "admin")
        {
            throw new InvalidOperationException($"The first account should be admin, was {_admin.Role}.");
        }
    }

    public new virtual async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the OS temp cleaner gets it later.
        }
    }

    /// <summary>Where Kestrel listens (http://127.0.0.1:port).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Anonymous() => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseAddress };

    public HttpClient Authorized(string token)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<TestUser> RegisterAsync(string prefix = "user")
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..24];
        var password = "Pass-" + Guid.NewGuid().ToString("N")[..12];
        var response = await Anonymous().PostAsJsonAsync("/api/v1/auth/register", new { email = $"{name}@example.com", username = name, password, full_name = $"Test {prefix}" });
        var body = await Json.ReadAsync(response, 201);
        return new TestUser(this, body.GetProperty("id").GetGuid(), $"{name}@example.com", name, password, body.GetProperty("role").GetString()!,
            body.GetProperty("tenant_id").GetGuid(), body.GetProperty("access_token").GetString()!, body.GetProperty("refresh_token").GetString()!);
    }

    /// <summary>A new tenant (made by the platform admin) with its own admin, signed in.</summary>
    public async Task<TestUser> CreateTenantWithAdminAsync(string name = "Acme")
    {
        var adminName = $"tadmin-{Guid.NewGuid():N}"[..20];
        var password = "Pass-" + Guid.NewGuid().ToString("N")[..12];
        var response = await Admin.Client.PostAsJsonAsync("/api/v1/tenants", new
        {
            name = $"{name} {Guid.NewGuid():N}"[..20],
            admin = new { email = $"{adminName}@example.com", username = adminName, password, full_name = "Tenant Admin" },
        });
        await Json.ReadAsync(response, 201);
        return await LoginAsync($"{adminName}@example.com", password);
    }

    /// <summary>A user created by <paramref name="admin"/> in the admin's tenant, signed in.</summary>
    public async Task<TestUser> CreateUserAsync(TestUser admin, string role = "user")
    {
        var name = $"{role}-{Guid.NewGuid():N}"[..20];
        var password = "Pass-" + Guid.NewGuid().ToString("N")[..12];
        var response = await admin.Client.PostAsJsonAsync("/api/v1/users", new { email = $"{name}@example.com", username = name, password, role });
        await Json.ReadAsync(response, 201);
        return await LoginAsync($"{name}@example.com", password);
    }

    public async Task<TestUser> LoginAsync(string login, string password)
    {
        var response = await Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { email = login, password });
        var body = await Json.ReadAsync(response, 200);
        var user = body.GetProperty("user");
        return new TestUser(this, user.GetProperty("id").GetGuid(), user.GetProperty("email").GetString()!, user.GetProperty("username").GetString(), password,
            user.GetProperty("role").GetString()!, user.GetProperty("tenant_id").GetGuid(), body.GetProperty("access_token").GetString()!, body.GetProperty("refresh_token").GetString()!);
    }
}

public sealed record TestUser(ParleyApp App, Guid Id, string Email, string? Username, string Password, string Role, Guid TenantId, string AccessToken, string RefreshToken)
{
    private HttpClient? _client;

    public HttpClient Client => _client ??= App.Authorized(AccessToken);
}

public static class Json
{
    /// <summary>Asserts the status (showing the body when it differs) and parses the JSON body.</summary>
    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response, int expectedStatus)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expectedStatus, $"Expected {expectedStatus}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts an error status and that the body is Parley's error envelope; returns it.</summary>
    public static async Task<JsonElement> ReadErrorAsync(HttpResponseMessage response, int expectedStatus, string? expectedCode = null)
    {
        var body = await ReadAsync(response, expectedStatus);
        Assert.Equal(expectedStatus, body.GetProperty("status_code").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("detail").GetString()));
        var error = body.GetProperty("error");
        Assert.Equal(body.GetProperty("error_code").GetString(), error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.Equal(JsonValueKind.Array, error.GetProperty("details").ValueKind);
        Assert.True(error.TryGetProperty("timestamp", out _));
        Assert.Equal(response.Headers.GetValues("X-Request-ID").Single(), error.GetProperty("request_id").GetString());
        if (expectedCode is not null)
        {
            Assert.Equal(expectedCode, error.GetProperty("code").GetString());
        }

        return body;
    }
}
