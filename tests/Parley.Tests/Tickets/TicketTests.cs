using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Tools;
using Parley.Tests.Handoff;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Tickets;

/// <summary>004 <c>/tickets</c>: create, list, workflow, assignee, comments, who sees what, escalation tickets.</summary>
public abstract class TicketTests(ParleyApp app)
{
    private static async Task<JsonElement> CreateAsync(TestUser user, object body)
        => await Json.ReadAsync(await user.Client.PostAsJsonAsync("/api/v1/tickets/create", body), 201);

    private static async Task<Guid> ConversationAsync(TestUser customer, string message = "hello")
        => (await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/message", new { message }), 200)).GetProperty("session_id").GetGuid();

    [Fact]
    public async Task A_ticket_is_created_with_004s_fields_and_linked_to_its_session()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var session = await ConversationAsync(customer);
        var ticket = await CreateAsync(agent, new
        {
            session_id = session,
            title = "Account Access Issue",
            description = "Unable to log into trading platform",
            priority = "high",
            category = "technical_support",
            customer_id = "customer_789",
        });
        Assert.Equal("open", ticket.GetProperty("status").GetString());
        Assert.Equal("high", ticket.GetProperty("priority").GetString());
        Assert.Equal("technical_support", ticket.GetProperty("category").GetString());
        Assert.Equal("customer_789", ticket.GetProperty("customer_id").GetString());
        Assert.Equal(session, ticket.GetProperty("session_id").GetGuid());
        Assert.Equal(session, ticket.GetProperty("conversation_id").GetGuid());
        Assert.Equal(customer.Id, ticket.GetProperty("customer_user_id").GetGuid());
        Assert.Equal(agent.Id, ticket.GetProperty("created_by").GetGuid());

        // The customer of the linked conversation sees it.
        var mine = await Json.ReadAsync(await customer.Client.GetAsync($"/api/v1/tickets/{ticket.GetProperty("id").GetGuid()}"), 200);
        Assert.Equal("Account Access Issue", mine.GetProperty("title").GetString());
    }

    [Fact]
    public async Task The_list_filters_by_status_and_priority_sorts_searches_and_pages()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var low = (await CreateAsync(admin, new { title = "Low printer", priority = "low" })).GetProperty("id").GetGuid();
        var urgent = (await CreateAsync(admin, new { title = "Urgent outage", priority = "urgent", description = "Everything is down" })).GetProperty("id").GetGuid();
        var medium = (await CreateAsync(admin, new { title = "Medium question" })).GetProperty("id").GetGuid();
        await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/tickets/{medium}", new { status = "pending" }), 200);

        var byPriority = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/tickets?sort=priority:desc"), 200);
        Assert.Equal([urgent, medium, low], byPriority.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetGuid()));

        var pending = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/tickets?filter[status]=pending"), 200);
        Assert.Equal(medium, Assert.Single(pending.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        var urgentOnly = await Json.ReadAsync(await admin.Client.GetAsync("/tickets?filter[priority]=urgent"), 200);
        Assert.Equal(urgent, Assert.Single(urgentOnly.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        var searched = await Json.ReadAsync(await admin.Client.GetAsync("/tickets?search=everything"), 200);
        Assert.Equal(urgent, Assert.Single(searched.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());

        var page = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/tickets?size=2&page=2&sort=priority:asc"), 200);
        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.Equal(urgent, Assert.Single(page.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.True(page.GetProperty("has_prev").GetBoolean());

        await Json.ReadErrorAsync(await admin.Client.GetAsync("/api/v1/tickets?filter[priority]=critical"), 400);
        await Json.ReadErrorAsync(await admin.Client.GetAsync("/api/v1/tickets?sort=mood:asc"), 400);
    }

    [Fact]
    public async Task Status_follows_open_pending_resolved_closed()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var id = (await CreateAsync(admin, new { title = "Workflow" })).GetProperty("id").GetGuid();
        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync($"/api/v1/tickets/{id}", new { status = "closed" }), 409);
        foreach (var status in new[] { "pending", "resolved", "closed" })
        {
            var updated = await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/tickets/{id}", new { status }), 200);
            Assert.Equal(status, updated.GetProperty("status").GetString());
        }

        var closed = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/tickets/{id}"), 200);
        Assert.Equal(JsonValueKind.String, closed.GetProperty("closed_at").ValueKind);
        Assert.Equal(JsonValueKind.String, closed.GetProperty("resolved_at").ValueKind);
        Assert.Empty(closed.GetProperty("next_statuses").EnumerateArray());
        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync($"/api/v1/tickets/{id}", new { status = "open" }), 409);
        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync($"/api/v1/tickets/{id}", new { status = "archived" }), 422);
    }

    [Fact]
    public async Task Assignees_are_agents_or_admins_of_the_same_tenant_and_comments_are_kept()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var agent = await app.CreateUserAsync(admin, "agent");
        var customer = await app.CreateUserAsync(admin);
        var outsider = await app.CreateTenantWithAdminAsync();
        var foreignAgent = await app.CreateUserAsync(outsider, "agent");
        var id = (await CreateAsync(admin, new { title = "Assign me" })).GetProperty("id").GetGuid();

        var assigned = await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/tickets/{id}",
            new { assignee_id = agent.Id, priority = "urgent", comment = "Taking this one" }), 200);
        Assert.Equal(agent.Id, assigned.GetProperty("assignee_id").GetGuid());
        Assert.Equal("urgent", assigned.GetProperty("priority").GetString());
        Assert.Equal("Taking this one", Assert.Single(assigned.GetProperty("comments").EnumerateArray()).GetProperty("content").GetString());

        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync($"/api/v1/tickets/{id}", new { assignee_id = customer.Id }), 422);
        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync($"/api/v1/tickets/{id}", new { assignee_id = foreignAgent.Id }), 422);
        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync($"/api/v1/tickets/{id}", new { assignee_id = "not-a-guid" }), 422);

        await Json.ReadAsync(await agent.Client.PostAsJsonAsync($"/api/v1/tickets/{id}/comments", new { content = "Called the customer" }), 201);
        var comments = await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/tickets/{id}/comments"), 200);
        Assert.Equal(["Taking this one", "Called the customer"], comments.EnumerateArray().Select(c => c.GetProperty("content").GetString()));

        var unassigned = await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/tickets/{id}", new { unassign = true }), 200);
        Assert.Equal(JsonValueKind.Null, unassigned.GetProperty("assignee_id").ValueKind);
    }

    [Fact]
    public async Task Customers_see_only_their_own_tickets_and_other_tenants_none()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var alice = await app.CreateUserAsync(admin);
        var bob = await app.CreateUserAsync(admin);
        var ticket = await CreateAsync(alice, new { title = "Alice's problem", customer_id = "someone-else", assignee_id = (Guid?)null });
        var id = ticket.GetProperty("id").GetGuid();
        Assert.Equal(alice.Id, ticket.GetProperty("customer_user_id").GetGuid());

        await Json.ReadErrorAsync(await bob.Client.GetAsync($"/api/v1/tickets/{id}"), 404);
        await Json.ReadErrorAsync(await bob.Client.PutAsJsonAsync($"/api/v1/tickets/{id}", new { comment = "me too" }), 404);
        await Json.ReadErrorAsync(await bob.Client.GetAsync($"/api/v1/tickets/{id}/comments"), 404);
        await Json.ReadErrorAsync(await bob.Client.PostAsJsonAsync($"/api/v1/tickets/{id}/comments", new { content = "me too" }), 404);
        var filtered = await Json.ReadAsync(await bob.Client.GetAsync("/api/v1/tickets?filter[customer_id]=someone-else"), 200);
        Assert.Equal(0, filtered.GetProperty("total").GetInt32());
        var bobs = await Json.ReadAsync(await bob.Client.GetAsync("/api/v1/tickets"), 200);
        Assert.Equal(0, bobs.GetProperty("total").GetInt32());
        var alices = await Json.ReadAsync(await alice.Client.GetAsync("/api/v1/tickets"), 200);
        Assert.Equal(id, Assert.Single(alices.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());

        // A customer comments but does not run the workflow, and cannot attach someone else's conversation.
        await Json.ReadAsync(await alice.Client.PutAsJsonAsync($"/api/v1/tickets/{id}", new { comment = "Any news?" }), 200);
        await Json.ReadErrorAsync(await alice.Client.PutAsJsonAsync($"/api/v1/tickets/{id}", new { status = "resolved" }), 403);
        var bobsConversation = await ConversationAsync(bob);
        await Json.ReadErrorAsync(await alice.Client.PostAsJsonAsync("/api/v1/tickets/create", new { title = "Snoop", session_id = bobsConversation }), 404);

        var outsider = await app.CreateTenantWithAdminAsync();
        await Json.ReadErrorAsync(await outsider.Client.GetAsync($"/api/v1/tickets/{id}"), 404);
        await Json.ReadErrorAsync(await outsider.Client.PutAsJsonAsync($"/api/v1/tickets/{id}", new { status = "pending" }), 404);
        await Json.ReadErrorAsync(await outsider.Client.GetAsync($"/api/v1/tickets/{id}/comments"), 404);
        await Json.ReadErrorAsync(await outsider.Client.PostAsJsonAsync($"/api/v1/tickets/{id}/comments", new { content = "hello" }), 404);
        await Json.ReadErrorAsync(await outsider.Client.PostAsJsonAsync("/api/v1/tickets/create", new { title = "x", session_id = bobsConversation }), 404);
        var theirs = await Json.ReadAsync(await outsider.Client.GetAsync("/api/v1/tickets"), 200);
        Assert.Equal(0, theirs.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Bad_ticket_input_is_refused()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/tickets/create", new { description = "no title" }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/tickets/create", new { title = "x", priority = "whenever" }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/tickets/create", new { title = new string('x', 201) }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/tickets/create", new { title = 42 }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsync("/api/v1/tickets/create", new StringContent("{\"title\":", Encoding.UTF8, "application/json")), 400);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/tickets/create", new { title = "x", session_id = Guid.NewGuid() }), 404);
        var id = (await CreateAsync(admin, new { title = "Real" })).GetProperty("id").GetGuid();
        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync($"/api/v1/tickets/{id}", new { }), 422);
        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync($"/api/v1/tickets/{Guid.NewGuid()}", new { status = "pending" }), 404);
    }

    [Fact]
    public async Task Escalation_opens_one_ticket_linked_to_the_conversation()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var turn = await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/process", new { message = "I want to talk to a real person please" }), 200);
        Assert.True(turn.GetProperty("escalation_needed").GetBoolean());
        var session = turn.GetProperty("session_id").GetGuid();
        // Still escalated: the next turn does not open another ticket, nor does asking again explicitly.
        await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/process", new { message = "hello?", session_id = session }), 200);
        var again = await Json.ReadAsync(await customer.Client.PostAsJsonAsync($"/api/v1/conversations/{session}/escalate", new { reason = "again" }), 200);
        Assert.Equal(JsonValueKind.Null, again.GetProperty("ticket_id").ValueKind);

        var tickets = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/tickets?filter[session_id]={session}"), 200);
        var ticket = Assert.Single(tickets.GetProperty("items").EnumerateArray());
        Assert.Equal("escalation", ticket.GetProperty("source").GetString());
        Assert.Equal(customer.Id, ticket.GetProperty("customer_user_id").GetGuid());
        Assert.Contains("real person", ticket.GetProperty("description").GetString(), StringComparison.Ordinal);
        var own = await Json.ReadAsync(await customer.Client.GetAsync("/api/v1/tickets"), 200);
        Assert.Equal(1, own.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task The_create_ticket_tool_opens_a_ticket_for_the_conversations_customer()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var other = await app.CreateUserAsync(admin);
        var session = await ConversationAsync(customer);
        var tool = Assert.Single(app.Services.GetServices<IBuiltInTool>(), t => t.Descriptor.Id == "create_ticket");
        Assert.Equal("object", tool.Descriptor.Parameters["type"]!.GetValue<string>());
        Assert.Contains("title", tool.Descriptor.Parameters["required"]!.AsArray().Select(n => n!.GetValue<string>()));

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var result = await tool.InvokeAsync(new ToolContext(customer.TenantId, customer.Id, "user", session, null),
                new JsonObject { ["title"] = "Refund not received", ["priority"] = "high" }, scope.ServiceProvider, CancellationToken.None);
            Assert.True(result.Success, result.Summary);
            Assert.Equal(session.ToString(), result.Data!["conversation_id"]!.GetValue<string>());
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            // Another customer's conversation is not theirs to file against.
            var refused = await tool.InvokeAsync(new ToolContext(other.TenantId, other.Id, "user", session, null),
                new JsonObject { ["title"] = "Not mine" }, scope.ServiceProvider, CancellationToken.None);
            Assert.False(refused.Success);
        }

        var tickets = await Json.ReadAsync(await customer.Client.GetAsync("/api/v1/tickets"), 200);
        var ticket = Assert.Single(tickets.GetProperty("items").EnumerateArray());
        Assert.Equal("Refund not received", ticket.GetProperty("title").GetString());
        Assert.Equal("tool", ticket.GetProperty("source").GetString());
        Assert.Equal(session, ticket.GetProperty("conversation_id").GetGuid());
    }
}

public sealed class SqliteTicketTests(SqliteApp app) : TicketTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresTicketTests(PostgresApp app) : TicketTests(app), IClassFixture<PostgresApp>;

public sealed class TicketEventTests(EventRecordingApp app) : IClassFixture<EventRecordingApp>
{
    [Fact]
    public async Task Ticket_changes_raise_ticket_created_and_ticket_updated()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var agent = await app.CreateUserAsync(admin, "agent");
        var created = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/tickets/create", new { title = "Evented", priority = "low" }), 201);
        var id = created.GetProperty("id").GetGuid();
        var raised = Assert.Single(app.Events.Of("ticket.created", d => d.GetProperty("ticket_id").GetGuid() == id));
        Assert.Equal("open", raised.GetProperty("status").GetString());
        Assert.Equal(admin.Id, raised.GetProperty("created_by").GetGuid());

        await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/tickets/{id}", new { assignee_id = agent.Id }), 200);
        var updated = Assert.Single(app.Events.Of("ticket.updated", d => d.GetProperty("ticket_id").GetGuid() == id));
        Assert.Equal(agent.Id, updated.GetProperty("assignee_id").GetGuid());
        Assert.Equal(JsonValueKind.Null, updated.GetProperty("previous_assignee_id").ValueKind);

        // A refused change raises nothing.
        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync($"/api/v1/tickets/{id}", new { status = "closed" }), 409);
        Assert.Single(app.Events.Of("ticket.updated", d => d.GetProperty("ticket_id").GetGuid() == id));
    }
}
