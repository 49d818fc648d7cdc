using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Conversations;

/// <summary>Every documented chat surface reads and writes the same conversations.</summary>
public abstract class ChatSurfaceTests(ParleyApp app)
{
    [Fact]
    public async Task Document_000_chat_sessions_create_with_a_first_message_and_list()
    {
        var user = await app.RegisterAsync();
        var created = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/api/v1/chat/sessions", new { message = "Hello, I need help with my Jira issues" }), 201);
        var sessionId = created.GetProperty("session_id").GetGuid();
        Assert.Equal("user", created.GetProperty("message_type").GetString());
        Assert.Equal("Hello, I need help with my Jira issues", created.GetProperty("content").GetString());
        Assert.Equal("Hello, I need help with my Jira issues", created.GetProperty("metadata").GetProperty("session_title").GetString());
        Assert.False(string.IsNullOrEmpty(created.GetProperty("response").GetProperty("response").GetString()));

        var response = await user.Client.GetAsync("/api/v1/chat/sessions");
        var list = await Json.ReadAsync(response, 200);
        Assert.Equal(JsonValueKind.Array, list.ValueKind);
        var row = Assert.Single(list.EnumerateArray());
        Assert.Equal(sessionId, row.GetProperty("session_id").GetGuid());
        Assert.Equal("session", row.GetProperty("message_type").GetString());
        Assert.Equal(2, row.GetProperty("metadata").GetProperty("total_messages").GetInt32());
        Assert.Equal("1", response.Headers.GetValues("X-Total-Count").Single());
    }

    [Fact]
    public async Task Document_001_chat_message_creates_a_session_and_history_reads_it()
    {
        var user = await app.RegisterAsync();
        var first = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/chat/message", new { message = "hi there" }), 200);
        var sessionId = first.GetProperty("session_id").GetGuid();
        Assert.False(first.GetProperty("cached").GetBoolean());
        Assert.True(first.GetProperty("response_time_ms").GetDouble() >= 0);
        Assert.InRange(first.GetProperty("confidence").GetDouble(), 0, 1);

        var second = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/chat/message", new { message = "thanks a lot", session_id = sessionId }), 200);
        Assert.Equal(sessionId, second.GetProperty("session_id").GetGuid());

        var history = await Json.ReadAsync(await user.Client.GetAsync($"/chat/history/{sessionId}"), 200);
        Assert.Equal(4, history.GetProperty("total_messages").GetInt32());
        var actors = history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("actor").GetString()).ToList();
        Assert.Equal(["user", "bot", "user", "bot"], actors);
        Assert.Equal("hi there", history.GetProperty("messages")[0].GetProperty("message").GetString());
    }

    [Fact]
    public async Task Document_002_conversations_without_a_body_then_nlu_answers()
    {
        var user = await app.RegisterAsync();
        var created = await Json.ReadAsync(await user.Client.PostAsync("/conversations", null), 201);
        var id = created.GetProperty("conversation_id").GetGuid();
        Assert.True(created.TryGetProperty("created_at", out _));

        var posted = await Json.ReadAsync(await user.Client.PostAsJsonAsync($"/conversations/{id}/messages",
            new { message = "Hello, good morning!", metadata = new { device = "web", language = "en" } }), 200);
        Assert.Equal(id, posted.GetProperty("conversation_id").GetGuid());
        Assert.Equal("Hello, good morning!", posted.GetProperty("message").GetString());
        var nlu = posted.GetProperty("response");
        Assert.False(string.IsNullOrEmpty(nlu.GetProperty("text").GetString()));
        Assert.Equal("greet", nlu.GetProperty("intent").GetString());
        Assert.InRange(nlu.GetProperty("confidence").GetDouble(), 0.5, 1);
        Assert.Equal(JsonValueKind.Array, nlu.GetProperty("entities").ValueKind);
    }

    [Fact]
    public async Task Document_003_conversations_with_title_initial_message_details_and_delete()
    {
        var user = await app.RegisterAsync();
        var created = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/api/v1/conversations",
            new { title = "Billing question", initial_message = "Hello, how can you help me?" }), 201);
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal("Billing question", created.GetProperty("title").GetString());
        Assert.Equal(2, created.GetProperty("messages").GetArrayLength());

        var posted = await Json.ReadAsync(await user.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/messages",
            new { content = "thank you", attachments = new[] { new { type = "file", url = "https://example.com/file.pdf" } } }), 200);
        Assert.Equal("thank you", posted.GetProperty("content").GetString());

        var details = await Json.ReadAsync(await user.Client.GetAsync($"/api/v1/conversations/{id}"), 200);
        Assert.Equal(4, details.GetProperty("messages").GetArrayLength());
        Assert.Equal([1, 2, 3, 4], details.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("sequence").GetInt32()).ToArray());

        var list = await Json.ReadAsync(await user.Client.GetAsync("/api/v1/conversations?page=1&size=20"), 200);
        Assert.Equal(1, list.GetProperty("total").GetInt64());

        Assert.Equal(204, (int)(await user.Client.DeleteAsync($"/api/v1/conversations/{id}")).StatusCode);
        await Json.ReadErrorAsync(await user.Client.GetAsync($"/api/v1/conversations/{id}"), 404);
    }

    [Fact]
    public async Task Document_004_sessions_messages_feedback_and_process()
    {
        var user = await app.RegisterAsync();
        var session = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/api/v1/sessions/create",
            new { customer_id = "customer_789", channel = "web", metadata = new { user_agent = "Mozilla/5.0" } }), 201);
        var id = session.GetProperty("session_id").GetGuid();
        Assert.Equal("customer_789", session.GetProperty("customer_id").GetString());
        Assert.Equal("active", session.GetProperty("status").GetString());
        Assert.Equal("Mozilla/5.0", session.GetProperty("metadata").GetProperty("user_agent").GetString());

        var sent = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/api/v1/messages/send",
            new { session_id = id, content = "What are your trading hours?", message_type = "user" }), 201);
        Assert.Equal("sent", sent.GetProperty("status").GetString());
        Assert.Equal(id, sent.GetProperty("session_id").GetGuid());

        var processed = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/api/v1/chat/process",
            new { session_id = id, message = "hello", context = new { customer_tier = "premium" } }), 200);
        foreach (var field in new[] { "response", "confidence", "citations", "redactions", "escalation_needed", "intent", "entities" })
        {
            Assert.True(processed.TryGetProperty(field, out _), field);
        }

        var messages = await Json.ReadAsync(await user.Client.GetAsync($"/api/v1/messages/{id}"), 200);
        Assert.Equal(3, messages.GetProperty("total").GetInt64());
        var botMessage = messages.GetProperty("items")[2];
        Assert.Equal("bot", botMessage.GetProperty("message_type").GetString());

        var feedback = await Json.ReadAsync(await user.Client.PostAsJsonAsync($"/api/v1/messages/{botMessage.GetProperty("id").GetGuid()}/feedback",
            new { rating = 5, feedback = "Very helpful response", category = "positive" }), 201);
        Assert.Equal(5, feedback.GetProperty("rating").GetInt32());
        await Json.ReadErrorAsync(await user.Client.PostAsJsonAsync($"/api/v1/messages/{botMessage.GetProperty("id").GetGuid()}/feedback", new { rating = 6 }), 422);

        var ended = await Json.ReadAsync(await user.Client.PutAsync($"/api/v1/sessions/{id}/end", null), 200);
        Assert.Equal("ended", ended.GetProperty("status").GetString());
        await Json.ReadErrorAsync(await user.Client.PostAsJsonAsync("/api/v1/chat/process", new { session_id = id, message = "still there?" }), 409);
    }

    [Fact]
    public async Task A_session_made_on_one_surface_is_read_on_every_other()
    {
        var user = await app.RegisterAsync();
        var made = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/api/v1/chat/sessions", new { message = "hello" }), 201);
        var id = made.GetProperty("session_id").GetGuid();
        await Json.ReadAsync(await user.Client.PostAsJsonAsync("/chat/message", new { message = "thanks", session_id = id }), 200);
        await Json.ReadAsync(await user.Client.PostAsJsonAsync($"/conversations/{id}/messages", new { message = "bye" }), 200);
        await Json.ReadAsync(await user.Client.PostAsJsonAsync("/chat/process", new { session_id = id, message = "one more" }), 200);

        var viaHistory = await Json.ReadAsync(await user.Client.GetAsync($"/chat/history/{id}"), 200);
        var viaConversation = await Json.ReadAsync(await user.Client.GetAsync($"/conversations/{id}"), 200);
        var viaSession = await Json.ReadAsync(await user.Client.GetAsync($"/sessions/{id}"), 200);
        Assert.Equal(8, viaHistory.GetProperty("total_messages").GetInt32());
        Assert.Equal(8, viaConversation.GetProperty("messages").GetArrayLength());
        Assert.Equal(8, viaSession.GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task Customers_cannot_see_each_others_conversations_and_agents_of_the_tenant_can()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var alice = await app.CreateUserAsync(admin);
        var bob = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var outsider = await app.RegisterAsync();
        var made = await Json.ReadAsync(await alice.Client.PostAsJsonAsync("/api/v1/chat/sessions", new { message = "hello" }), 201);
        var id = made.GetProperty("session_id").GetGuid();

        foreach (var stranger in new[] { bob, outsider })
        {
            await Json.ReadErrorAsync(await stranger.Client.GetAsync($"/api/v1/conversations/{id}"), 404);
            await Json.ReadErrorAsync(await stranger.Client.GetAsync($"/chat/history/{id}"), 404);
            await Json.ReadErrorAsync(await stranger.Client.PostAsJsonAsync("/chat/message", new { message = "hi", session_id = id }), 404);
            await Json.ReadErrorAsync(await stranger.Client.PostAsJsonAsync("/api/v1/messages/send", new { session_id = id, content = "hi" }), 404);
            await Json.ReadErrorAsync(await stranger.Client.DeleteAsync($"/api/v1/conversations/{id}"), 404);
        }

        await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/conversations/{id}"), 200);
        await Json.ReadErrorAsync(await alice.Client.PostAsJsonAsync("/api/v1/messages/send", new { session_id = id, content = "I am an agent", message_type = "agent" }), 403);
        var agentMessage = await Json.ReadAsync(await agent.Client.PostAsJsonAsync("/api/v1/messages/send", new { session_id = id, content = "Hi, I'm Sam from support", message_type = "agent" }), 201);
        Assert.Equal("agent", agentMessage.GetProperty("message_type").GetString());
    }

    [Fact]
    public async Task Bad_chat_input_gets_clear_errors_and_stores_nothing()
    {
        var user = await app.RegisterAsync();
        await Json.ReadErrorAsync(await user.Client.PostAsJsonAsync("/chat/message", new { message = "" }), 422);
        await Json.ReadErrorAsync(await user.Client.PostAsJsonAsync("/chat/message", new { message = new string('x', 8001) }), 422);
        await Json.ReadErrorAsync(await user.Client.PostAsJsonAsync("/chat/message", new { message = "hi", session_id = 42 }), 422);
        await Json.ReadErrorAsync(await user.Client.PostAsJsonAsync("/chat/message", new { message = "hi", session_id = Guid.NewGuid() }), 404);
        await Json.ReadErrorAsync(await user.Client.PostAsJsonAsync("/api/v1/sessions/create", new { channel = "carrier-pigeon" }), 422);
        var sessions = await Json.ReadAsync(await user.Client.GetAsync("/api/v1/chat/sessions"), 200);
        Assert.Equal(0, sessions.GetArrayLength());
    }

    [Fact]
    public async Task Concurrent_sends_to_one_conversation_are_all_kept_in_order()
    {
        var user = await app.RegisterAsync();
        var made = await Json.ReadAsync(await user.Client.PostAsync("/conversations", null), 201);
        var id = made.GetProperty("conversation_id").GetGuid();
        var sends = Enumerable.Range(0, 12).Select(i => user.Client.PostAsJsonAsync($"/conversations/{id}/messages", new { message = $"message {i}" }));
        foreach (var response in await Task.WhenAll(sends))
        {
            await Json.ReadAsync(response, 200);
        }

        var details = await Json.ReadAsync(await user.Client.GetAsync($"/conversations/{id}"), 200);
        var messages = details.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(24, messages.Count);
        Assert.Equal(Enumerable.Range(1, 24), messages.Select(m => m.GetProperty("sequence").GetInt32()));
        for (var i = 0; i < 24; i += 2)
        {
            Assert.Equal("user", messages[i].GetProperty("message_type").GetString());
            Assert.Equal("bot", messages[i + 1].GetProperty("message_type").GetString());
        }
    }
}

public sealed class SqliteChatSurfaceTests(SqliteApp app) : ChatSurfaceTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresChatSurfaceTests(PostgresApp app) : ChatSurfaceTests(app), IClassFixture<PostgresApp>;
