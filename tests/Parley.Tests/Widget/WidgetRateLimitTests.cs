using System.Globalization;
using System.Net.Http.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Widget;

/// <summary>Small widget budgets with day-long windows, so a window boundary never falls inside the test.</summary>
public sealed class WidgetRateLimitedApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Parley:RateLimiting:Enabled", "true"),
        new("Parley:RateLimiting:Auth:PerIp", "1000"),
        new("Parley:RateLimiting:General:PerUser", "1000"),
        new("Parley:RateLimiting:General:PerIp", "1000"),
        new("Parley:RateLimiting:WidgetVisitors:PerIp", "3"),
        new("Parley:RateLimiting:WidgetVisitors:WindowSeconds", "86400"),
        new("Parley:RateLimiting:Chat:PerUser", "3"),
        new("Parley:RateLimiting:Chat:WindowSeconds", "86400"),
    ];
}

/// <summary>Issue 14: new visitors are limited per IP, a visitor's conversations and turns per visitor; both answer 429 with Retry-After.</summary>
public sealed class WidgetRateLimitTests(WidgetRateLimitedApp app) : IClassFixture<WidgetRateLimitedApp>
{
    private static async Task AssertLimitedAsync(HttpResponseMessage response)
    {
        var error = await Json.ReadErrorAsync(response, 429, "RATE_LIMIT_EXCEEDED");
        Assert.Contains("retry in", error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(int.Parse(response.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture) > 0);
        // A cross-site page must be able to read Retry-After.
        Assert.Contains("Retry-After", response.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Visitors_are_limited_per_ip_and_their_turns_per_visitor()
    {
        var channel = await WidgetKit.CreateChannelAsync(app.Admin);
        var alice = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken);
        var bob = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken);
        // The third draw on this IP's budget is a refresh: it counts like a new visitor.
        await Json.ReadAsync(await app.Anonymous().PostAsJsonAsync($"/api/v1/widget/{channel.WebsiteToken}/visitors/refresh", new { refresh_token = bob.RefreshToken }), 200);
        await AssertLimitedAsync(await WidgetKit.PostVisitorAsync(app, channel.WebsiteToken));

        // Alice: one conversation and two turns spend her three; Bob still has all of his.
        var id = await WidgetKit.StartConversationAsync(alice, channel.WebsiteToken);
        for (var i = 0; i < 2; i++)
        {
            var turn = await alice.Client.PostAsJsonAsync("/api/v1/chat/stream", new { session_id = id, message = "Hello there" });
            Assert.Equal(200, (int)turn.StatusCode);
            await turn.Content.ReadAsStringAsync();
        }

        await AssertLimitedAsync(await alice.Client.PostAsJsonAsync("/api/v1/chat/stream", new { session_id = id, message = "Hello again" }));
        await AssertLimitedAsync(await alice.Client.PostAsync($"/api/v1/widget/{channel.WebsiteToken}/conversations", null));
        await WidgetKit.StartConversationAsync(bob, channel.WebsiteToken);
    }
}
