using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Realtime;

/// <summary>A small chat budget with a day-long window, so a window boundary never falls inside a test.</summary>
public sealed class ChatLimitedApp : ParleyApp
{
    public const int ChatLimit = 5;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Parley:RateLimiting:Enabled", "true"),
        new("Parley:RateLimiting:Auth:PerIp", "100000"),
        new("Parley:RateLimiting:Auth:WindowSeconds", "86400"),
        new("Parley:RateLimiting:General:PerUser", "100000"),
        new("Parley:RateLimiting:General:PerIp", "100000"),
        new("Parley:RateLimiting:Chat:PerUser", ChatLimit.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Parley:RateLimiting:Chat:WindowSeconds", "86400"),
    ];
}

/// <summary>
/// A turn costs the same budget whichever way it enters: a socket's turns draw on the counters the
/// REST chat endpoints use, a turn over the budget gets an error frame with retry_after, and the
/// socket stays open.
/// </summary>
public sealed class SocketRateLimitTests(ChatLimitedApp app) : IClassFixture<ChatLimitedApp>
{
    private const int Extra = 4;

    [Fact]
    public async Task Socket_turns_over_the_chat_budget_get_rate_limit_errors_and_the_socket_stays_open()
    {
        var user = await app.RegisterAsync();
        var id = await NewSessionAsync(user);
        await using var socket = await SocketClient.ConnectAsync(app, $"/ws/chat/{id}", user.AccessToken);
        await socket.NextAsync("connection_established");

        var outcomes = new List<JsonElement>();
        for (var i = 0; i < ChatLimitedApp.ChatLimit + Extra; i++)
        {
            await socket.SendAsync(new { type = "message", content = $"question {i}" });
            outcomes.Add(await NextOutcomeAsync(socket));
        }

        Assert.Equal(ChatLimitedApp.ChatLimit, outcomes.Count(o => o.GetProperty("type").GetString() == "final"));
        var limited = outcomes.Where(o => o.GetProperty("type").GetString() == "error").ToList();
        Assert.Equal(Extra, limited.Count);
        Assert.All(limited, AssertRateLimited);
        Assert.All(outcomes.Take(ChatLimitedApp.ChatLimit), o => Assert.Equal("final", o.GetProperty("type").GetString()));

        await socket.SendAsync(new { type = "ping" });
        await socket.NextAsync("pong");
        Assert.Equal(WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task Rest_and_socket_turns_share_one_budget()
    {
        var user = await app.RegisterAsync();
        var id = await NewSessionAsync(user);
        const int ByRest = 3;
        for (var i = 0; i < ByRest; i++)
        {
            await Json.ReadAsync(await user.Client.PostAsJsonAsync("/api/v1/chat/message", new { message = $"rest {i}", session_id = id }), 200);
        }

        await using var socket = await SocketClient.ConnectAsync(app, $"/ws/chat/{id}", user.AccessToken);
        await socket.NextAsync("connection_established");
        var outcomes = new List<string>();
        for (var i = 0; i < ChatLimitedApp.ChatLimit - ByRest + 1; i++)
        {
            await socket.SendAsync(new { type = "message", content = $"socket {i}" });
            var outcome = await NextOutcomeAsync(socket);
            outcomes.Add(outcome.GetProperty("type").GetString()!);
            if (outcome.GetProperty("type").GetString() == "error")
            {
                AssertRateLimited(outcome);
            }
        }

        Assert.Equal([.. Enumerable.Repeat("final", ChatLimitedApp.ChatLimit - ByRest), "error"], outcomes);
        await Json.ReadErrorAsync(await user.Client.PostAsJsonAsync("/api/v1/chat/message", new { message = "one more", session_id = id }), 429, "RATE_LIMIT_EXCEEDED");
    }

    private static async Task<Guid> NewSessionAsync(TestUser user)
        => (await Json.ReadAsync(await user.Client.PostAsJsonAsync("/api/v1/sessions/create", new { }), 201)).GetProperty("session_id").GetGuid();

    /// <summary>The turn's answer (<c>final</c>) or its refusal (<c>error</c>).</summary>
    private static Task<JsonElement> NextOutcomeAsync(SocketClient socket) => socket.NextOfAsync("final", "error");

    private static void AssertRateLimited(JsonElement frame)
    {
        Assert.Equal("error", frame.GetProperty("type").GetString());
        Assert.Equal("RATE_LIMIT_EXCEEDED", frame.GetProperty("error").GetProperty("code").GetString());
        Assert.True(frame.GetProperty("error").GetProperty("retry_after").GetInt32() > 0);
        Assert.True(frame.GetProperty("retry_after").GetInt32() > 0);
    }
}
