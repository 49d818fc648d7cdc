using System.Net.Http.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Conventions;

/// <summary>Small budgets with day-long windows, so a window boundary never falls inside a test.</summary>
public sealed class RateLimitedApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Parley:RateLimiting:Enabled", "true"),
        new("Parley:RateLimiting:Auth:PerIp", "1000"),
        new("Parley:RateLimiting:Auth:WindowSeconds", "86400"),
        new("Parley:RateLimiting:General:PerUser", "5"),
        new("Parley:RateLimiting:General:PerIp", "1000"),
        new("Parley:RateLimiting:General:WindowSeconds", "86400"),
    ];
}

public sealed class RateLimitTests(RateLimitedApp app) : IClassFixture<RateLimitedApp>
{
    [Fact]
    public async Task Budgets_are_per_user_with_headers_and_a_429_when_spent()
    {
        var alice = await app.RegisterAsync();
        var bob = await app.RegisterAsync();
        var remaining = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            var ok = await alice.Client.GetAsync("/api/v1/auth/me");
            Assert.Equal(200, (int)ok.StatusCode);
            Assert.Equal("5", ok.Headers.GetValues("X-RateLimit-Limit").Single());
            remaining.Add(int.Parse(ok.Headers.GetValues("X-RateLimit-Remaining").Single(), System.Globalization.CultureInfo.InvariantCulture));
            var reset = long.Parse(ok.Headers.GetValues("X-RateLimit-Reset").Single(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(reset > DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        }

        Assert.Equal([4, 3, 2, 1, 0], remaining);
        var limited = await alice.Client.GetAsync("/api/v1/auth/me");
        await Json.ReadErrorAsync(limited, 429, "RATE_LIMIT_EXCEEDED");
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);

        // Bob has a budget of his own.
        Assert.Equal(200, (int)(await bob.Client.GetAsync("/api/v1/auth/me")).StatusCode);
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/api/v1/health")]
    public async Task Operations_endpoints_are_not_rate_limited(string path)
    {
        var response = await app.Anonymous().GetAsync(path);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.False(response.Headers.Contains("X-RateLimit-Limit"));
    }
}

public sealed class ThrottledLoginApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Parley:Auth:MaxFailedLoginsPerAccount", "3")];
}

public sealed class LoginThrottleTests(ThrottledLoginApp app) : IClassFixture<ThrottledLoginApp>
{
    [Fact]
    public async Task After_too_many_failures_even_the_right_password_waits()
    {
        var user = await app.RegisterAsync();
        for (var i = 0; i < 3; i++)
        {
            await Json.ReadErrorAsync(await app.Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "wrong-password" }), 401);
        }

        var blocked = await app.Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });
        await Json.ReadErrorAsync(blocked, 429, "RATE_LIMIT_EXCEEDED");
        Assert.True(blocked.Headers.Contains("Retry-After"));

        // Another account is not affected.
        var other = await app.RegisterAsync();
        await app.LoginAsync(other.Email, other.Password);
    }
}

/// <summary>Two Parley instances sharing one Redis share one budget (PARLEY_TEST_REDIS from ./test.sh).</summary>
public sealed class SharedRedisRateLimitTests : IAsyncLifetime
{
    private readonly string _prefix = $"parley-test-{Guid.NewGuid():N}:";
    private readonly List<RedisLimitedApp> _apps = [];

    public sealed class RedisLimitedApp(string prefix) : ParleyApp
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [
            new("Parley:Redis:Configuration", Environment.GetEnvironmentVariable("PARLEY_TEST_REDIS") is { Length: > 0 } redis
                ? redis
                : throw new InvalidOperationException("PARLEY_TEST_REDIS is not set: run the tests with ./test.sh, which starts Redis on 127.0.0.1.")),
            new("Parley:Redis:KeyPrefix", prefix),
            new("Parley:RateLimiting:Enabled", "true"),
            new("Parley:RateLimiting:Auth:PerIp", "1000"),
            new("Parley:RateLimiting:General:PerIp", "4"),
            new("Parley:RateLimiting:General:WindowSeconds", "86400"),
        ];
    }

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 2; i++)
        {
            var app = new RedisLimitedApp(_prefix);
            await app.InitializeAsync();
            _apps.Add(app);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_budget_is_shared_across_instances()
    {
        // Anonymous calls draw from the general per-IP budget of 4 (127.0.0.1 on both): 401 while
        // the budget lasts, 429 after.
        var statuses = new List<int>();
        foreach (var app in new[] { _apps[0], _apps[1], _apps[0], _apps[1], _apps[0], _apps[1] })
        {
            statuses.Add((int)(await app.Anonymous().GetAsync("/api/v1/auth/me")).StatusCode);
        }

        Assert.Equal([401, 401, 401, 401, 429, 429], statuses);
        var detailed = await Json.ReadAsync(await _apps[0].Anonymous().GetAsync("/health/detailed"), 200);
        Assert.Equal("healthy", detailed.GetProperty("components").GetProperty("redis").GetProperty("status").GetString());
    }
}
