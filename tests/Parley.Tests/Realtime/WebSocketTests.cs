using System.Net.Http.Json;
using System.Net.WebSockets;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Realtime;

public abstract class WebSocketTests(ParleyApp app)
{
    private static async Task<Guid> NewConversationAsync(TestUser user)
        => (await Json.ReadAsync(await user.Client.PostAsync("/conversations", null), 201)).GetProperty("conversation_id").GetGuid();

    [Fact]
    public async Task Document_000_socket_streams_thinking_tokens_and_final()
    {
        var user = await app.RegisterAsync();
        var id = await NewConversationAsync(user);
        await using var socket = await SocketClient.ConnectAsync(app, $"/api/v1/chat/ws/{id}", user.AccessToken);
        var hello = await socket.NextAsync("connection_established");
        Assert.Equal(id, hello.GetProperty("session_id").GetGuid());

        await socket.SendAsync(new { message = "hello there", metadata = new { } });
        var thinking = await socket.NextAsync("agent_event");
        Assert.Equal("thinking", thinking.GetProperty("metadata").GetProperty("event_type").GetString());
        var first = await socket.NextAsync("token");
        Assert.Equal(1, first.GetProperty("metadata").GetProperty("token_index").GetInt32());
        var final = await socket.NextAsync("final");
        var tokens = socket.Seen.Where(e => e.GetProperty("type").GetString() == "token").Select(e => e.GetProperty("content").GetString()).ToList();
        Assert.Equal(final.GetProperty("response").GetString(), string.Concat(tokens));
        Assert.Equal(id, final.GetProperty("metadata").GetProperty("session_id").GetGuid());
        Assert.Equal(tokens.Count, final.GetProperty("metadata").GetProperty("tokens_used").GetInt32());

        // The stored bot message follows, with its sequence; the user's own message is not echoed.
        var stored = await socket.SeenOrNextAsync("message");
        Assert.Equal("bot", stored.GetProperty("message_type").GetString());
        Assert.Equal(2, stored.GetProperty("sequence").GetInt32());
        Assert.DoesNotContain(socket.Seen, e => e.GetProperty("type").GetString() == "message" && e.GetProperty("message_type").GetString() == "user");
    }

    [Fact]
    public async Task Document_002_socket_answers_a_message_frame_with_intent_and_confidence()
    {
        var user = await app.RegisterAsync();
        var id = await NewConversationAsync(user);
        await using var socket = await SocketClient.ConnectAsync(app, $"/ws/conversations/{id}", user.AccessToken);
        await socket.SendAsync(new { type = "message", content = "Hello, bot!" });
        var reply = await socket.NextAsync("message", e => e.GetProperty("message_type").GetString() == "bot");
        Assert.False(string.IsNullOrEmpty(reply.GetProperty("content").GetString()));
        Assert.True(reply.TryGetProperty("timestamp", out _));
        Assert.True(reply.GetProperty("metadata").TryGetProperty("intent", out _));
        Assert.True(reply.GetProperty("metadata").TryGetProperty("confidence", out _));
    }

    [Fact]
    public async Task First_frame_authentication_works_and_a_bad_token_is_refused()
    {
        var user = await app.RegisterAsync();
        var id = await NewConversationAsync(user);
        await using (var socket = await SocketClient.ConnectAsync(app, $"/ws/chat/{id}"))
        {
            await socket.SendAsync(new { type = "auth", token = user.AccessToken });
            await socket.NextAsync("connection_established");
        }

        await using var refused = await SocketClient.ConnectAsync(app, $"/ws/chat/{id}");
        await refused.SendAsync(new { type = "auth", token = "not-a-token" });
        var error = await refused.NextAsync("error");
        Assert.Equal("AUTHENTICATION_ERROR", error.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await refused.ClosedAsync());
    }

    [Fact]
    public async Task A_socket_that_never_authenticates_is_told_how_and_closed_with_a_policy_code()
    {
        var user = await app.RegisterAsync();
        var id = await NewConversationAsync(user);
        await using var silent = await SocketClient.ConnectAsync(app, $"/api/v1/chat/ws/{id}");
        var error = await silent.NextAsync("error");
        Assert.Equal("AUTHENTICATION_ERROR", error.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("token", error.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await silent.ClosedAsync());
    }

    [Fact]
    public async Task Another_customers_or_tenants_conversation_is_not_found_on_the_socket()
    {
        var owner = await app.RegisterAsync();
        var stranger = await app.RegisterAsync();
        var id = await NewConversationAsync(owner);
        await using var socket = await SocketClient.ConnectAsync(app, $"/ws/chat/{id}", stranger.AccessToken);
        var error = await socket.NextAsync("error");
        Assert.Equal("NOT_FOUND", error.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await socket.ClosedAsync());
    }

    [Fact]
    public async Task Broken_frames_get_an_error_and_the_connection_stays()
    {
        var user = await app.RegisterAsync();
        var id = await NewConversationAsync(user);
        await using var socket = await SocketClient.ConnectAsync(app, $"/ws/chat/{id}", user.AccessToken);
        await socket.NextAsync("connection_established");
        await socket.SendTextAsync("this is not json");
        Assert.Equal("BAD_FRAME", (await socket.NextAsync("error")).GetProperty("error").GetProperty("code").GetString());
        await socket.SendAsync(new { type = "teleport" });
        await socket.NextAsync("error");
        await socket.SendAsync(new { type = "message", content = "   " });
        await socket.NextAsync("error");
        await socket.SendAsync(new { type = "ping" });
        await socket.NextAsync("pong");
        Assert.Equal(WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task Reconnecting_with_the_last_sequence_replays_what_was_missed()
    {
        var user = await app.RegisterAsync();
        var id = await NewConversationAsync(user);
        await Json.ReadAsync(await user.Client.PostAsJsonAsync($"/conversations/{id}/messages", new { message = "first" }), 200);
        await Json.ReadAsync(await user.Client.PostAsJsonAsync($"/conversations/{id}/messages", new { message = "second" }), 200);

        await using var socket = await SocketClient.ConnectAsync(app, $"/ws/chat/{id}?last_sequence=2", user.AccessToken);
        var third = await socket.NextAsync("message");
        var fourth = await socket.NextAsync("message");
        Assert.Equal(3, third.GetProperty("sequence").GetInt32());
        Assert.Equal("second", third.GetProperty("content").GetString());
        Assert.Equal(4, fourth.GetProperty("sequence").GetInt32());
    }

    [Fact]
    public async Task Participants_see_typing_presence_and_each_others_messages()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var id = await NewConversationAsync(customer);

        await using var customerSocket = await SocketClient.ConnectAsync(app, $"/ws/chat/{id}", customer.AccessToken);
        await customerSocket.NextAsync("connection_established");
        await using var agentSocket = await SocketClient.ConnectAsync(app, $"/ws/chat/{id}", agent.AccessToken);
        await agentSocket.NextAsync("connection_established");
        var online = await customerSocket.SeenOrNextAsync("presence", e => e.GetProperty("user_id").GetGuid() == agent.Id);
        Assert.Equal("online", online.GetProperty("status").GetString());

        await agentSocket.SendAsync(new { type = "typing", is_typing = true });
        var typing = await customerSocket.NextAsync("typing");
        Assert.True(typing.GetProperty("is_typing").GetBoolean());
        Assert.Equal("agent", typing.GetProperty("role").GetString());

        await Json.ReadAsync(await agent.Client.PostAsJsonAsync("/api/v1/messages/send", new { session_id = id, content = "Hi, Sam here.", message_type = "agent" }), 201);
        var fromAgent = await customerSocket.NextAsync("message", e => e.GetProperty("message_type").GetString() == "agent");
        Assert.Equal("Hi, Sam here.", fromAgent.GetProperty("content").GetString());
    }

    [Fact]
    public async Task The_tenant_socket_carries_conversation_updates_to_agents()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var outsider = await app.CreateTenantWithAdminAsync();
        await using var agentSocket = await SocketClient.ConnectAsync(app, "/ws", agent.AccessToken);
        await agentSocket.NextAsync("connection_established");
        await using var outsiderSocket = await SocketClient.ConnectAsync(app, "/ws", outsider.AccessToken);
        await outsiderSocket.NextAsync("connection_established");

        await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/chat/message", new { message = "hello" }), 200);
        var update = await agentSocket.NextAsync("conversation_update");
        Assert.Equal("message", update.GetProperty("event").GetString());

        // The other tenant hears nothing: its next event is the pong to its own ping.
        await outsiderSocket.SendAsync(new { type = "ping" });
        await outsiderSocket.NextAsync("pong");
        Assert.DoesNotContain(outsiderSocket.Seen, e => e.GetProperty("type").GetString() == "conversation_update");
    }

    [Fact]
    public async Task A_plain_http_request_to_a_socket_path_is_a_clear_400()
    {
        var user = await app.RegisterAsync();
        await Json.ReadErrorAsync(await user.Client.GetAsync("/ws"), 400, "WEBSOCKET_REQUIRED");
    }
}

public sealed class SqliteWebSocketTests(SqliteApp app) : WebSocketTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresWebSocketTests(PostgresApp app) : WebSocketTests(app), IClassFixture<PostgresApp>;
