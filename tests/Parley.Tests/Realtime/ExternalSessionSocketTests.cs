using System.Net.Http.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Realtime;

/// <summary>
/// The Integration Platform's <c>ws://localhost:8000/api/v1/chat/ws/session_123</c> (issue 19): a client-chosen session id
/// on the WebSocket path names the caller's own conversation with that external id, as REST's
/// <c>session_id</c> does. Before, only a GUID matched and the handshake answered 404.
/// </summary>
public abstract class ExternalSessionSocketTests(ParleyApp app)
{
    [Fact]
    public async Task A_client_chosen_session_id_opens_the_callers_own_conversation_shared_with_rest()
    {
        var user = await app.RegisterAsync();
        var external = "session_" + Guid.NewGuid().ToString("N")[..8];
        Guid id;
        await using (var socket = await SocketClient.ConnectAsync(app, $"/api/v1/chat/ws/{external}", user.AccessToken))
        {
            var hello = await socket.NextAsync("connection_established");
            id = hello.GetProperty("session_id").GetGuid();
            await socket.SendAsync(new { message = "hello there" });
            await socket.NextAsync("final");
        }

        // REST with the same session_id continues that conversation; so does the socket again, and HeliosCS's path.
        var turn = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/api/v1/chat/message", new { message = "and again", session_id = external }), 200);
        Assert.Equal(id.ToString(), turn.GetProperty("session_id").GetString());
        await using (var again = await SocketClient.ConnectAsync(app, $"/ws/chat/{external}", user.AccessToken))
        {
            Assert.Equal(id, (await again.NextAsync("connection_established")).GetProperty("session_id").GetGuid());
        }

        var history = await Json.ReadAsync(await user.Client.GetAsync($"/api/v1/conversations/{id}/messages"), 200);
        Assert.Equal(4, history.GetProperty("items").GetArrayLength());

        // Another user's same string is their own, new conversation.
        var other = await app.RegisterAsync();
        await using var theirs = await SocketClient.ConnectAsync(app, $"/api/v1/chat/ws/{external}", other.AccessToken);
        Assert.NotEqual(id, (await theirs.NextAsync("connection_established")).GetProperty("session_id").GetGuid());
    }

    [Fact]
    public async Task An_over_long_session_id_gets_an_error_frame()
    {
        var user = await app.RegisterAsync();
        await using var socket = await SocketClient.ConnectAsync(app, $"/api/v1/chat/ws/{new string('s', 201)}", user.AccessToken);
        var error = await socket.NextAsync("error");
        Assert.Contains("session id", error.GetRawText());
    }
}

public sealed class SqliteExternalSessionSocketTests(SqliteApp app) : ExternalSessionSocketTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresExternalSessionSocketTests(PostgresApp app) : ExternalSessionSocketTests(app), IClassFixture<PostgresApp>;
