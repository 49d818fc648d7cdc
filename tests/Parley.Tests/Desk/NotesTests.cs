using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Parley.Tests.Handoff;
using Parley.Tests.Infrastructure;
using Parley.Tests.Realtime;
using Parley.Tests.Widget;

namespace Parley.Tests.Desk;

/// <summary>
/// Internal notes over HTTP and WebSocket: agents write and read them, in order among the messages;
/// the customer never sees one, not in the REST history, not on the conversation or tenant socket
/// (live or resumed), not over the widget.
/// </summary>
public abstract class NotesTests(ParleyApp app)
{
    private static async Task<Guid> EscalatedConversationAsync(TestUser customer)
    {
        var turn = await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/process", new { message = "I want to talk to a real person please" }), 200);
        return turn.GetProperty("session_id").GetGuid();
    }

    [Fact]
    public async Task A_note_is_shown_to_agents_in_order_and_never_to_the_customer()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var id = await EscalatedConversationAsync(customer);
        await Json.ReadAsync(await agent.Client.PostAsync($"/api/v1/handoff/{id}/claim", null), 200);

        await using var customerSocket = await SocketClient.ConnectAsync(app, $"/ws/chat/{id}", customer.AccessToken);
        await customerSocket.NextAsync("connection_established");
        await using var customerTenantSocket = await SocketClient.ConnectAsync(app, "/ws", customer.AccessToken);
        await customerTenantSocket.NextAsync("connection_established");
        await using var agentSocket = await SocketClient.ConnectAsync(app, $"/ws/chat/{id}", agent.AccessToken);
        await agentSocket.NextAsync("connection_established");
        await using var adminTenantSocket = await SocketClient.ConnectAsync(app, "/ws", admin.AccessToken);
        await adminTenantSocket.NextAsync("connection_established");

        var secret = "Customer is a known chargeback risk " + Guid.NewGuid().ToString("N")[..6];
        var note = await Json.ReadAsync(await agent.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/notes", new { content = secret }), 201);
        Assert.Equal(secret, note.GetProperty("content").GetString());
        Assert.Equal("internal", note.GetProperty("visibility").GetString());
        Assert.Equal(agent.Id, note.GetProperty("author_id").GetGuid());
        var placedAfter = note.GetProperty("after_sequence").GetInt32();

        // Staff sockets receive it live.
        var live = await agentSocket.NextAsync("note");
        Assert.Equal(secret, live.GetProperty("data").GetProperty("content").GetString());
        var update = await adminTenantSocket.NextAsync("conversation_update", e => e.GetProperty("event").GetString() == "note");
        Assert.Equal(id, update.GetProperty("conversation_id").GetGuid());

        // The customer's sockets: the next thing after the note is the agent's reply, never the note.
        await Json.ReadAsync(await agent.Client.PostAsJsonAsync($"/api/v1/handoff/{id}/messages", new { content = "Let me look into it." }), 201);
        var next = await customerSocket.NextOfAsync("note", "message");
        Assert.Equal("message", next.GetProperty("type").GetString());
        Assert.Equal("Let me look into it.", next.GetProperty("content").GetString());
        var nextUpdate = await customerTenantSocket.NextAsync("conversation_update", e => e.GetProperty("event").GetString() is "note" or "message");
        Assert.Equal("message", nextUpdate.GetProperty("event").GetString());
        Assert.DoesNotContain(customerSocket.Seen.Concat(customerTenantSocket.Seen), e => e.GetRawText().Contains(secret, StringComparison.Ordinal));

        // REST history and a resumed socket hold messages only.
        foreach (var path in new[] { $"/api/v1/conversations/{id}", $"/api/v1/conversations/{id}/messages?size=100", $"/api/v1/chat/history/{id}", $"/api/v1/sessions/{id}" })
        {
            var body = await (await customer.Client.GetAsync(path)).Content.ReadAsStringAsync();
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        }

        await Json.ReadErrorAsync(await customer.Client.GetAsync($"/api/v1/conversations/{id}/notes"), 403);
        await Json.ReadErrorAsync(await customer.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/notes", new { content = "mine" }), 403);
        await using (var resumed = await SocketClient.ConnectAsync(app, $"/ws/chat/{id}?last_sequence=0", customer.AccessToken))
        {
            await resumed.NextAsync("message", e => e.GetProperty("content").GetString() == "Let me look into it.");
            Assert.DoesNotContain(resumed.Seen, e => e.GetRawText().Contains(secret, StringComparison.Ordinal));
        }

        // Agents read the notes, each placed after the message it followed.
        var second = await Json.ReadAsync(await admin.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/notes", new { content = "Refund approved by admin." }), 201);
        Assert.True(second.GetProperty("after_sequence").GetInt32() > placedAfter);
        var notes = await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/conversations/{id}/notes"), 200);
        Assert.Equal([secret, "Refund approved by admin."], notes.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("content").GetString()!).ToList());
        var messages = await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/conversations/{id}/messages?size=100"), 200);
        var atNote = messages.GetProperty("items").EnumerateArray().Last(m => m.GetProperty("sequence").GetInt32() <= placedAfter);
        Assert.Equal("system", atNote.GetProperty("message_type").GetString()); // the "agent has joined" line came just before the note
    }

    [Fact]
    public async Task Bad_notes_are_422_and_foreign_or_unknown_conversations_404()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var outsider = await app.CreateUserAsync(await app.CreateTenantWithAdminAsync(), "agent");
        var id = await EscalatedConversationAsync(customer);

        await Json.ReadErrorAsync(await agent.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/notes", new { content = "  " }), 422, "VALIDATION_ERROR");
        await Json.ReadErrorAsync(await agent.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/notes", new { content = new string('x', 4001) }), 422, "VALIDATION_ERROR");
        await Json.ReadErrorAsync(await agent.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/notes", new { }), 422, "VALIDATION_ERROR");
        await Json.ReadErrorAsync(await outsider.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/notes", new { content = "hi" }), 404);
        await Json.ReadErrorAsync(await outsider.Client.GetAsync($"/api/v1/conversations/{id}/notes"), 404);
        await Json.ReadErrorAsync(await agent.Client.GetAsync($"/api/v1/conversations/{Guid.NewGuid()}/notes"), 404);

        // Markup is stored as text.
        var html = await Json.ReadAsync(await agent.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/notes", new { content = "<img src=x onerror=alert(1)>" }), 201);
        Assert.Equal("<img src=x onerror=alert(1)>", html.GetProperty("content").GetString());
        var notes = await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/conversations/{id}/notes"), 200);
        Assert.Equal(1, notes.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_widget_visitor_never_receives_a_note()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var agent = await app.CreateUserAsync(admin, "agent");
        var channel = await WidgetKit.CreateChannelAsync(admin);
        var visitor = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken);
        var id = await WidgetKit.StartConversationAsync(visitor, channel.WebsiteToken);
        var (socket, status) = await WidgetKit.ConnectAsync(app, $"/api/v1/ws/chat/{id}", visitor.AccessToken, WidgetKit.HostOrigin);
        Assert.True(socket is not null, $"upgrade refused: {status}");
        using (socket)
        {
            await WidgetKit.ReceiveAsync(socket, "connection_established");
            var secret = "Visitor note " + Guid.NewGuid().ToString("N")[..6];
            await Json.ReadAsync(await agent.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/notes", new { content = secret }), 201);
            await WidgetKit.SendAsync(socket, new { type = "message", content = "Where is my order?" });

            // Everything the visitor receives up to the bot's answer to that message: no note among it.
            var received = new List<JsonElement>();
            while (true)
            {
                var e = await NextFrameAsync(socket);
                received.Add(e);
                if (e.GetProperty("type").GetString() == "message" && e.GetProperty("message_type").GetString() == "bot")
                {
                    break;
                }
            }

            Assert.DoesNotContain(received, e => e.GetProperty("type").GetString() == "note" || e.GetRawText().Contains(secret, StringComparison.Ordinal));
        }
    }

    private static async Task<JsonElement> NextFrameAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, timeout.Token);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
        return JsonDocument.Parse(message.ToArray()).RootElement.Clone();
    }
}

public sealed class SqliteNotesTests(SqliteApp app) : NotesTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresNotesTests(PostgresApp app) : NotesTests(app), IClassFixture<PostgresApp>;

/// <summary>Webhooks carry what happens in a conversation; a note is not something that happens to the customer.</summary>
public sealed class NoteEventTests(EventRecordingApp app) : IClassFixture<EventRecordingApp>
{
    [Fact]
    public async Task Adding_a_note_raises_no_domain_event_so_no_webhook_carries_it()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var id = (await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/message", new { message = "hello" }), 200)).GetProperty("session_id").GetGuid();
        var before = app.Events.Raised.Count;

        var secret = "webhook-invisible " + Guid.NewGuid().ToString("N")[..6];
        await Json.ReadAsync(await agent.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/notes", new { content = secret }), 201);
        await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/message", new { session_id = id, message = "still there?" }), 200);

        Assert.True(app.Events.Raised.Count > before);
        Assert.DoesNotContain(app.Events.Raised, e => e.Data.GetRawText().Contains(secret, StringComparison.Ordinal));
    }
}
