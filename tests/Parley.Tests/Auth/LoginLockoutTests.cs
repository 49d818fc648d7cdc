using System.Net.Http.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Auth;

/// <summary>Three failed logins per account; hashing slow enough that parallel logins overlap.</summary>
public class LockoutApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Parley:Auth:MaxFailedLoginsPerAccount", "3"),
        new("Parley:Auth:PasswordIterations", "20000"),
    ];
}

/// <summary>The same at scale: PostgreSQL, and the failure counters in the shared Redis.</summary>
public sealed class RedisPostgresLockoutApp : LockoutApp
{
    private readonly string _database = PostgresDatabases.Create();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        .. base.Settings(),
        new("Parley:Database:Postgres", _database),
        new("Parley:Redis:Configuration", Environment.GetEnvironmentVariable("PARLEY_TEST_REDIS") is { Length: > 0 } redis
            ? redis
            : throw new InvalidOperationException("PARLEY_TEST_REDIS is not set: run the tests with ./test.sh, which starts Redis on 127.0.0.1.")),
        new("Parley:Redis:KeyPrefix", $"parley-test-{Guid.NewGuid():N}:"),
    ];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        PostgresDatabases.Drop(_database);
    }
}

public abstract class LoginLockoutTests(ParleyApp app)
{
    [Fact]
    public async Task A_locked_account_stays_locked_whichever_identifier_is_typed()
    {
        var user = await app.RegisterAsync();
        for (var i = 0; i < 3; i++)
        {
            await Json.ReadErrorAsync(await LoginAsync(user.Email, "wrong-password"), 401);
        }

        await Json.ReadErrorAsync(await LoginAsync(user.Username!, user.Password), 429, "RATE_LIMIT_EXCEEDED");
        await Json.ReadErrorAsync(await LoginAsync(user.Email.ToUpperInvariant(), user.Password), 429, "RATE_LIMIT_EXCEEDED");

        // An unknown identifier answers the same way: three 401s, then 429.
        var nobody = $"nobody-{Guid.NewGuid():N}@example.com";
        for (var i = 0; i < 3; i++)
        {
            await Json.ReadErrorAsync(await LoginAsync(nobody, "wrong-password"), 401);
        }

        await Json.ReadErrorAsync(await LoginAsync(nobody, "wrong-password"), 429, "RATE_LIMIT_EXCEEDED");
    }

    [Fact]
    public async Task Parallel_guesses_get_no_more_password_checks_than_the_limit()
    {
        var user = await app.RegisterAsync();
        var attempts = Enumerable.Range(0, 30).Select(i => i == 15 ? user.Password : $"wrong-password-{i}").ToList();
        var responses = await Task.WhenAll(attempts.Select(password => LoginAsync(user.Email, password)));
        var statuses = responses.Select(r => (int)r.StatusCode).ToList();

        // Each 401 is a wrong password that was checked; a 200 is the right one, checked in time.
        Assert.True(statuses.Count(s => s is 401 or 200) <= 3, "Password checks: " + string.Join(",", statuses));
        Assert.All(statuses, s => Assert.Contains(s, new[] { 200, 401, 429 }));
        await Json.ReadErrorAsync(await LoginAsync(user.Email, user.Password), 429, "RATE_LIMIT_EXCEEDED");
    }

    private Task<HttpResponseMessage> LoginAsync(string login, string password)
        => app.Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { email = login, password });
}

public sealed class MemoryLoginLockoutTests(LockoutApp app) : LoginLockoutTests(app), IClassFixture<LockoutApp>;

public sealed class RedisPostgresLoginLockoutTests(RedisPostgresLockoutApp app) : LoginLockoutTests(app), IClassFixture<RedisPostgresLockoutApp>;
