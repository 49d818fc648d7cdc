using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Tools;
using Parley.Tests.Infrastructure;
using Parley.Tests.Realtime;

namespace Parley.Tests.Handoff;

/// <summary>Live handoff end to end over HTTP and WebSocket: queue, claim, agent chat, silent bot, hand back, close.</summary>
public abstract class HandoffTests(ParleyApp app)
{
    private static async Task<Guid> EscalatedConversationAsync(TestUser customer)
    {
        var turn = await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/process", new { message = "I want to talk to a real person please" }), 200);
        Assert.True(turn.GetProperty("escalation_needed").GetBoolean());
        return turn.GetProperty("session_id").GetGuid();
    }

    [Fact]
    public async Task An_agent_claims_chats_and_hands_back_while_the_bot_stays_silent()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var id = await EscalatedConversationAsync(customer);

        var queue = await Json.ReadAsync(await agent.Client.GetAsync("/api/v1/handoff/queue?filter[claimed]=false"), 200);
        var queued = Assert.Single(queue.GetProperty("items").EnumerateArray());
        Assert.Equal(id, queued.GetProperty("id").GetGuid());
        Assert.Equal("escalated", queued.GetProperty("status").GetString());

        await using var customerSocket = await SocketClient.ConnectAsync(app, $"/ws/chat/{id}", customer.AccessToken);
        await customerSocket.NextAsync("connection_established");
        await using var agentSocket = await SocketClient.ConnectAsync(app, $"/ws/chat/{id}", agent.AccessToken);
        await agentSocket.NextAsync("connection_established");

        var claimed = await Json.ReadAsync(await agent.Client.PostAsync($"/api/v1/handoff/{id}/claim", null), 200);
        Assert.Equal(agent.Id, claimed.GetProperty("assigned_agent_id").GetGuid());
        var joined = await customerSocket.NextAsync("presence", e => e.GetProperty("status").GetString() == "joined");
        Assert.Equal(agent.Id, joined.GetProperty("user_id").GetGuid());
        Assert.Equal("agent", joined.GetProperty("role").GetString());
        var escalation = await customerSocket.SeenOrNextAsync("escalation", e => e.GetProperty("step").GetString() == "claimed");
        Assert.Equal(agent.Id, escalation.GetProperty("assigned_agent_id").GetGuid());

        await agentSocket.SendAsync(new { type = "typing", is_typing = true });
        var typing = await customerSocket.NextAsync("typing");
        Assert.Equal(agent.Id, typing.GetProperty("user_id").GetGuid());

        await agentSocket.SendAsync(new { type = "message", content = "Hi, this is Sam from support." });
        var fromAgent = await customerSocket.NextAsync("message", e => e.GetProperty("message_type").GetString() == "agent");
        Assert.Equal("Hi, this is Sam from support.", fromAgent.GetProperty("content").GetString());

        // The customer writes over REST while the agent holds the conversation: stored, delivered, no bot answer.
        var held = await Json.ReadAsync(await customer.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/messages", new { content = "Thanks, my order is late" }), 200);
        Assert.Equal(JsonValueKind.Null, held.GetProperty("assistant_message").ValueKind);
        var atAgent = await agentSocket.NextAsync("message", e => e.GetProperty("message_type").GetString() == "user");
        Assert.Equal("Thanks, my order is late", atAgent.GetProperty("content").GetString());
        var reply = await Json.ReadAsync(await agent.Client.PostAsJsonAsync($"/api/v1/handoff/{id}/messages", new { content = "Let me check that." }), 201);
        Assert.Equal("agent", reply.GetProperty("message_type").GetString());

        var during = await Json.ReadAsync(await customer.Client.GetAsync($"/api/v1/conversations/{id}"), 200);
        var types = during.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("message_type").GetString()).ToList();
        Assert.Equal(["user", "bot", "system", "agent", "user", "agent"], types);

        await Json.ReadAsync(await agent.Client.PostAsync($"/api/v1/handoff/{id}/release", null), 200);
        await customerSocket.NextAsync("escalation", e => e.GetProperty("step").GetString() == "released");
        var back = await Json.ReadAsync(await customer.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/messages", new { content = "hello again" }), 200);
        Assert.Equal("bot", back.GetProperty("assistant_message").GetProperty("message_type").GetString());
        var after = await Json.ReadAsync(await customer.Client.GetAsync($"/api/v1/sessions/{id}"), 200);
        Assert.Equal("active", after.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("assigned_agent_id").ValueKind);
    }

    [Fact]
    public async Task Only_one_agent_of_the_same_tenant_claims_and_customers_cannot()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var first = await app.CreateUserAsync(admin, "agent");
        var second = await app.CreateUserAsync(admin, "agent");
        var outsider = await app.CreateUserAsync(await app.CreateTenantWithAdminAsync(), "agent");
        var id = await EscalatedConversationAsync(customer);

        await Json.ReadErrorAsync(await customer.Client.PostAsync($"/api/v1/handoff/{id}/claim", null), 403);
        await Json.ReadErrorAsync(await customer.Client.GetAsync("/api/v1/handoff/queue"), 403);
        await Json.ReadErrorAsync(await outsider.Client.PostAsync($"/api/v1/handoff/{id}/claim", null), 404);
        var outsiderQueue = await Json.ReadAsync(await outsider.Client.GetAsync("/api/v1/handoff/queue"), 200);
        Assert.Equal(0, outsiderQueue.GetProperty("total").GetInt32());

        var claims = await Task.WhenAll(first.Client.PostAsync($"/api/v1/handoff/{id}/claim", null), second.Client.PostAsync($"/api/v1/handoff/{id}/claim", null));
        Assert.Equal([200, 409], claims.Select(r => (int)r.StatusCode).Order());
        var holder = (int)claims[0].StatusCode == 200 ? first : second;
        var loser = holder == first ? second : first;
        await Json.ReadErrorAsync(await loser.Client.PostAsJsonAsync($"/api/v1/handoff/{id}/messages", new { content = "me too" }), 409);
        await Json.ReadErrorAsync(await loser.Client.PostAsync($"/api/v1/handoff/{id}/release", null), 409);
        await Json.ReadAsync(await holder.Client.PostAsync($"/api/v1/handoff/{id}/claim", null), 200);

        var mine = await Json.ReadAsync(await holder.Client.GetAsync($"/api/v1/handoff/queue?filter[assigned_agent_id]={holder.Id}"), 200);
        Assert.Equal(id, Assert.Single(mine.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        await Json.ReadErrorAsync(await holder.Client.PostAsJsonAsync($"/api/v1/handoff/{id}/messages", new { content = "" }), 422);
        await Json.ReadErrorAsync(await holder.Client.PostAsync($"/api/v1/handoff/{Guid.NewGuid()}/claim", null), 404);

        // A conversation that is not escalated cannot be claimed.
        var calm = (await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/message", new { message = "hello" }), 200)).GetProperty("session_id").GetGuid();
        await Json.ReadErrorAsync(await holder.Client.PostAsync($"/api/v1/handoff/{calm}/claim", null), 409);
    }

    [Fact]
    public async Task Another_tenants_agents_get_404_and_customers_403_on_every_agent_call()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var outsiderAdmin = await app.CreateTenantWithAdminAsync();
        var outsider = await app.CreateUserAsync(outsiderAdmin, "agent");
        var id = await EscalatedConversationAsync(customer);

        foreach (var stranger in new[] { outsider, outsiderAdmin })
        {
            foreach (var step in new[] { "claim", "release", "hand-back", "close" })
            {
                await Json.ReadErrorAsync(await stranger.Client.PostAsync($"/api/v1/handoff/{id}/{step}", null), 404);
            }

            await Json.ReadErrorAsync(await stranger.Client.PostAsJsonAsync($"/api/v1/handoff/{id}/messages", new { content = "hello from elsewhere" }), 404);
            foreach (var path in new[] { "handoff", "conversations", "sessions" })
            {
                await Json.ReadErrorAsync(await stranger.Client.PostAsJsonAsync($"/api/v1/{path}/{id}/escalate", new { reason = "probe" }), 404);
            }
        }

        await Json.ReadAsync(await agent.Client.PostAsync($"/api/v1/handoff/{id}/claim", null), 200);
        await Json.ReadErrorAsync(await customer.Client.PostAsJsonAsync($"/api/v1/handoff/{id}/messages", new { content = "I am the agent now" }), 403);
        foreach (var step in new[] { "claim", "release", "hand-back", "close" })
        {
            await Json.ReadErrorAsync(await customer.Client.PostAsync($"/api/v1/handoff/{id}/{step}", null), 403);
        }

        // Nothing the refused callers tried changed the conversation.
        var after = await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/conversations/{id}"), 200);
        Assert.Equal("escalated", after.GetProperty("status").GetString());
        Assert.Equal(agent.Id, after.GetProperty("assigned_agent_id").GetGuid());
        Assert.DoesNotContain(after.GetProperty("messages").EnumerateArray(), m => m.GetProperty("message_type").GetString() == "agent");
    }

    [Fact]
    public async Task A_claim_outlives_the_agents_socket_and_an_admin_can_hand_it_back()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var id = await EscalatedConversationAsync(customer);
        await using var customerSocket = await SocketClient.ConnectAsync(app, $"/ws/chat/{id}", customer.AccessToken);
        await customerSocket.NextAsync("connection_established");

        await using (var agentSocket = await SocketClient.ConnectAsync(app, $"/ws/chat/{id}", agent.AccessToken))
        {
            await agentSocket.NextAsync("connection_established");
            await Json.ReadAsync(await agent.Client.PostAsync($"/api/v1/handoff/{id}/claim", null), 200);
            await customerSocket.NextAsync("presence", e => e.GetProperty("status").GetString() == "joined");
        }

        // A reload or a network blip closes the socket: the customer sees the agent offline, the agent still holds the conversation.
        var offline = await customerSocket.NextAsync("presence", e => e.GetProperty("status").GetString() == "offline");
        Assert.Equal(agent.Id, offline.GetProperty("user_id").GetGuid());
        var held = await Json.ReadAsync(await customer.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/messages", new { content = "Are you still there?" }), 200);
        Assert.Equal(JsonValueKind.Null, held.GetProperty("assistant_message").ValueKind);
        var queue = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/handoff/queue?filter[claimed]=true"), 200);
        Assert.Equal(agent.Id, Assert.Single(queue.GetProperty("items").EnumerateArray()).GetProperty("assigned_agent_id").GetGuid());

        // An admin ends a claim its agent has abandoned; the bot answers again.
        var released = await Json.ReadAsync(await admin.Client.PostAsync($"/api/v1/handoff/{id}/release", null), 200);
        Assert.Equal("active", released.GetProperty("status").GetString());
        var back = await Json.ReadAsync(await customer.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/messages", new { content = "hello?" }), 200);
        Assert.Equal("bot", back.GetProperty("assistant_message").GetProperty("message_type").GetString());
    }

    [Fact]
    public async Task An_agent_closes_the_conversation_and_the_customer_can_escalate_explicitly()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var other = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var id = (await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/message", new { message = "hello" }), 200)).GetProperty("session_id").GetGuid();

        await Json.ReadErrorAsync(await other.Client.PostAsJsonAsync($"/api/v1/sessions/{id}/escalate", new { reason = "not mine" }), 404);
        var escalated = await Json.ReadAsync(await customer.Client.PostAsJsonAsync($"/api/v1/sessions/{id}/escalate", new { reason = "billing dispute" }), 200);
        Assert.Equal("escalated", escalated.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, escalated.GetProperty("ticket_id").ValueKind);

        await Json.ReadAsync(await agent.Client.PostAsync($"/api/v1/handoff/{id}/claim", null), 200);
        var closed = await Json.ReadAsync(await agent.Client.PostAsync($"/api/v1/handoff/{id}/close", null), 200);
        Assert.Equal("ended", closed.GetProperty("status").GetString());
        await Json.ReadErrorAsync(await customer.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/messages", new { content = "still there?" }), 409);
        await Json.ReadErrorAsync(await agent.Client.PostAsync($"/api/v1/handoff/{id}/close", null), 409);
        await Json.ReadErrorAsync(await customer.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/escalate", new { }), 409);
    }

    [Fact]
    public async Task The_escalate_to_human_tool_puts_the_conversation_in_the_queue()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var id = (await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/message", new { message = "hello" }), 200)).GetProperty("session_id").GetGuid();
        var tool = Assert.Single(app.Services.GetServices<IBuiltInTool>(), t => t.Descriptor.Id == "escalate_to_human");

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var none = await tool.InvokeAsync(new ToolContext(customer.TenantId, customer.Id, "user", null, null), [], scope.ServiceProvider, CancellationToken.None);
            Assert.False(none.Success);
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var result = await tool.InvokeAsync(new ToolContext(customer.TenantId, customer.Id, "user", id, null),
                new JsonObject { ["reason"] = "customer is stuck" }, scope.ServiceProvider, CancellationToken.None);
            Assert.True(result.Success, result.Summary);
            Assert.Equal("escalated", result.Data!["status"]!.GetValue<string>());
        }

        var queue = await Json.ReadAsync(await agent.Client.GetAsync("/api/v1/handoff/queue"), 200);
        var queued = Assert.Single(queue.GetProperty("items").EnumerateArray());
        Assert.Equal("customer is stuck", queued.GetProperty("escalation_reason").GetString());
        var tickets = await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/tickets?filter[conversation_id]={id}"), 200);
        Assert.Equal("escalation", Assert.Single(tickets.GetProperty("items").EnumerateArray()).GetProperty("source").GetString());
    }
}

public sealed class SqliteHandoffTests(SqliteApp app) : HandoffTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresHandoffTests(PostgresApp app) : HandoffTests(app), IClassFixture<PostgresApp>;

public sealed class HandoffEventTests(EventRecordingApp app) : IClassFixture<EventRecordingApp>
{
    [Fact]
    public async Task Escalation_claim_and_hand_back_raise_conversation_updated()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var turn = await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/process", new { message = "I want to talk to a real person please" }), 200);
        var id = turn.GetProperty("session_id").GetGuid();
        await Json.ReadAsync(await agent.Client.PostAsync($"/api/v1/handoff/{id}/claim", null), 200);
        await Json.ReadAsync(await agent.Client.PostAsync($"/api/v1/handoff/{id}/hand-back", null), 200);

        var updates = app.Events.Of("conversation.updated", d => d.GetProperty("conversation_id").GetGuid() == id);
        Assert.Equal(3, updates.Count);
        Assert.Equal("escalated", updates[0].GetProperty("status").GetString());
        Assert.Equal("active", updates[0].GetProperty("previous_status").GetString());
        Assert.Equal(customer.Id, updates[0].GetProperty("user_id").GetGuid());
        Assert.Equal(agent.Id, updates[1].GetProperty("assigned_agent_id").GetGuid());
        Assert.Equal("active", updates[2].GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, updates[2].GetProperty("assigned_agent_id").ValueKind);

        var ticket = Assert.Single(app.Events.Of("ticket.created", d => d.GetProperty("conversation_id").GetGuid() == id));
        Assert.Equal("escalation", ticket.GetProperty("source").GetString());
        // The claim assigns the escalation ticket to the agent.
        Assert.Contains(app.Events.Of("ticket.updated", d => d.GetProperty("conversation_id").GetGuid() == id), d => d.GetProperty("assignee_id").GetGuid() == agent.Id);
    }

    [Fact]
    public async Task Customer_messages_held_for_an_agent_and_agent_replies_raise_message_received()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var other = await app.CreateUserAsync(admin, "agent");
        var turn = await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/process", new { message = "I want to talk to a real person please" }), 200);
        var id = turn.GetProperty("session_id").GetGuid();
        await Json.ReadAsync(await agent.Client.PostAsync($"/api/v1/handoff/{id}/claim", null), 200);

        var held = await Json.ReadAsync(await customer.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/messages", new { content = "Write to jane.doe@example.com please" }), 200);
        Assert.Equal(JsonValueKind.Null, held.GetProperty("assistant_message").ValueKind);
        var heldId = held.GetProperty("user_message").GetProperty("id").GetGuid();
        var fromCustomer = Assert.Single(app.Events.Of("message.received", d => d.GetProperty("message_id").GetGuid() == heldId));
        Assert.Equal("user", fromCustomer.GetProperty("type").GetString());
        Assert.Equal(customer.Id, fromCustomer.GetProperty("sender_id").GetGuid());
        Assert.Equal(id, fromCustomer.GetProperty("conversation_id").GetGuid());
        Assert.DoesNotContain("jane.doe@example.com", fromCustomer.GetProperty("content").GetString());

        var reply = await Json.ReadAsync(await agent.Client.PostAsJsonAsync($"/api/v1/handoff/{id}/messages", new { content = "Let me check that." }), 201);
        var fromAgent = Assert.Single(app.Events.Of("message.received", d => d.GetProperty("message_id").GetGuid() == reply.GetProperty("id").GetGuid()));
        Assert.Equal("agent", fromAgent.GetProperty("role").GetString());
        Assert.Equal("agent", fromAgent.GetProperty("type").GetString());
        Assert.Equal(agent.Id, fromAgent.GetProperty("sender_id").GetGuid());
        Assert.Equal("Let me check that.", fromAgent.GetProperty("content").GetString());

        // A refused reply stores nothing and raises nothing; system messages (the claim's) are not "received".
        await Json.ReadErrorAsync(await other.Client.PostAsJsonAsync($"/api/v1/handoff/{id}/messages", new { content = "me too" }), 409);
        var received = app.Events.Of("message.received", d => d.GetProperty("conversation_id").GetGuid() == id);
        Assert.DoesNotContain(received, d => d.GetProperty("sender_id").ValueKind == JsonValueKind.String && d.GetProperty("sender_id").GetGuid() == other.Id);
        Assert.DoesNotContain(received, d => d.GetProperty("type").GetString() == "system");
        Assert.Equal(["user", "user", "agent"], received.Select(d => d.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Agent_messages_sent_through_messages_send_raise_message_received_and_system_messages_do_not()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var id = (await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/message", new { message = "hello" }), 200)).GetProperty("session_id").GetGuid();

        var sent = await Json.ReadAsync(await agent.Client.PostAsJsonAsync("/api/v1/messages/send", new { session_id = id, content = "Hi, Sam here.", message_type = "agent" }), 201);
        var raised = Assert.Single(app.Events.Of("message.received", d => d.GetProperty("message_id").GetGuid() == sent.GetProperty("id").GetGuid()));
        Assert.Equal("agent", raised.GetProperty("type").GetString());
        Assert.Equal(agent.Id, raised.GetProperty("sender_id").GetGuid());

        var note = await Json.ReadAsync(await agent.Client.PostAsJsonAsync("/api/v1/messages/send", new { session_id = id, content = "Internal note", message_type = "system" }), 201);
        Assert.Empty(app.Events.Of("message.received", d => d.GetProperty("message_id").GetGuid() == note.GetProperty("id").GetGuid()));
    }
}
