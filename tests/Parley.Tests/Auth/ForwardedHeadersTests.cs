using System.Net.Http.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Auth;

/// <summary>Ten failed logins per client IP; the account limit is out of reach (each login names a new account).</summary>
public class NoProxyApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Parley:Auth:MaxFailedLoginsPerIp", "10")];
}

/// <summary>The same, behind a reverse proxy on 127.0.0.1 (where the tests connect from).</summary>
public sealed class TrustedProxyApp : NoProxyApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [.. base.Settings(), new("Parley:Http:TrustedProxies:0", "127.0.0.1")];
}

public sealed class ForwardedHeadersTests(NoProxyApp direct, TrustedProxyApp proxied) : IClassFixture<NoProxyApp>, IClassFixture<TrustedProxyApp>
{
    [Fact]
    public async Task Forwarded_for_is_believed_only_from_a_configured_proxy()
    {
        // No proxy configured: every X-Forwarded-For is ignored, so all eleven come from one client.
        var statuses = await FailedLoginsAsync(direct, i => $"203.0.113.{i + 1}");
        Assert.Equal([.. Enumerable.Repeat(401, 10), 429], statuses);

        // 127.0.0.1 is a trusted proxy: distinct forwarded addresses are distinct clients...
        statuses = await FailedLoginsAsync(proxied, i => $"198.51.100.{i + 1}");
        Assert.Equal(Enumerable.Repeat(401, 11), statuses);

        // ...and one forwarded address is still one client.
        statuses = await FailedLoginsAsync(proxied, _ => "192.0.2.7");
        Assert.Equal([.. Enumerable.Repeat(401, 10), 429], statuses);
    }

    private static async Task<List<int>> FailedLoginsAsync(ParleyApp app, Func<int, string> forwardedFor)
    {
        var statuses = new List<int>();
        for (var i = 0; i < 11; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login")
            {
                Content = JsonContent.Create(new { email = $"nobody-{Guid.NewGuid():N}@example.com", password = "wrong-password" }),
            };
            request.Headers.Add("X-Forwarded-For", forwardedFor(i));
            statuses.Add((int)(await app.Anonymous().SendAsync(request)).StatusCode);
        }

        return statuses;
    }
}
