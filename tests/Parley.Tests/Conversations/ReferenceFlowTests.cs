using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Conversations;

/// <summary>The reference documents' chat flows, followed as their readers would (issue 19).</summary>
public abstract class ReferenceFlowTests(ParleyApp app)
{
    [Fact]
    public async Task Document_001_client_chosen_session_id_continues_the_callers_own_conversation()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var alice = await app.CreateUserAsync(admin);
        var first = await Json.ReadAsync(await alice.Client.PostAsJsonAsync("/chat/message", new { message = "hi there", session_id = "optional-session-id" }), 200);
        var id = first.GetProperty("session_id").GetGuid();
        var again = await Json.ReadAsync(await alice.Client.PostAsJsonAsync("/chat/message", new { message = "thanks a lot", session_id = "optional-session-id" }), 200);
        Assert.Equal(id, again.GetProperty("session_id").GetGuid());
        var history = await Json.ReadAsync(await alice.Client.GetAsync($"/chat/history/{id}"), 200);
        Assert.Equal(4, history.GetProperty("total_messages").GetInt32());

        // The same string from another user of the tenant, an agent or another tenant starts their own conversation.
        var bob = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var outsider = await app.CreateTenantWithAdminAsync();
        var seen = new HashSet<Guid> { id };
        foreach (var other in new[] { bob, agent, outsider })
        {
            var theirs = await Json.ReadAsync(await other.Client.PostAsJsonAsync("/chat/process", new { message = "hi there", session_id = "optional-session-id" }), 200);
            Assert.True(seen.Add(theirs.GetProperty("session_id").GetGuid()), $"{other.Role} continued someone else's conversation");
        }

        Assert.Equal(4, (await Json.ReadAsync(await alice.Client.GetAsync($"/chat/history/{id}"), 200)).GetProperty("total_messages").GetInt32());

        // GUIDs keep working as before: the conversation itself, or 404 when the caller has none by that id.
        var byGuid = await Json.ReadAsync(await alice.Client.PostAsJsonAsync("/chat/message", new { message = "one more", session_id = id }), 200);
        Assert.Equal(id, byGuid.GetProperty("session_id").GetGuid());
        await Json.ReadErrorAsync(await bob.Client.PostAsJsonAsync("/chat/message", new { message = "hi", session_id = id }), 404);
        await Json.ReadErrorAsync(await alice.Client.PostAsJsonAsync("/chat/message", new { message = "hi", session_id = new string('x', 201) }), 422);
        await Json.ReadErrorAsync(await alice.Client.PostAsJsonAsync("/chat/message", new { message = "hi", session_id = "  " }), 422);
    }

    [Fact]
    public async Task Document_000_explicit_page_and_size_get_the_page_envelope_and_bare_lists_stay_bare()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var user = await app.CreateUserAsync(admin);
        for (var i = 0; i < 3; i++)
        {
            await Json.ReadAsync(await user.Client.PostAsJsonAsync("/api/v1/chat/sessions", new { message = $"Hello number {i}" }), 201);
        }

        var page = await Json.ReadAsync(await user.Client.GetAsync("/api/v1/chat/sessions?page=2&size=2"), 200);
        Assert.Equal(JsonValueKind.Object, page.ValueKind);
        Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.Equal(2, page.GetProperty("page").GetInt32());
        Assert.Equal(2, page.GetProperty("size").GetInt32());
        Assert.Equal(2, page.GetProperty("pages").GetInt32());
        var sizeOnly = await Json.ReadAsync(await user.Client.GetAsync("/api/v1/chat/sessions?size=10"), 200);
        Assert.Equal(3, sizeOnly.GetProperty("items").GetArrayLength());

        var bare = await Json.ReadAsync(await user.Client.GetAsync("/api/v1/chat/sessions"), 200);
        Assert.Equal(3, bare.GetArrayLength());

        // The Integration Platform's other bare list follows the same rule.
        Assert.Equal(JsonValueKind.Array, (await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/integrations"), 200)).ValueKind);
        var integrations = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/integrations?page=1&size=5"), 200);
        Assert.Equal(0, integrations.GetProperty("total").GetInt32());
        Assert.Equal(5, integrations.GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task Closing_an_escalated_conversation_resolves_its_escalation_ticket()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var closedByAgent = await EscalatedAsync(customer);
        await Json.ReadAsync(await agent.Client.PostAsync($"/api/v1/handoff/{closedByAgent}/claim", null), 200);
        await Json.ReadAsync(await agent.Client.PostAsync($"/api/v1/handoff/{closedByAgent}/close", null), 200);
        var endedBySession = await EscalatedAsync(customer);
        await Json.ReadAsync(await customer.Client.PutAsync($"/api/v1/sessions/{endedBySession}/end", null), 200);

        foreach (var id in new[] { closedByAgent, endedBySession })
        {
            var tickets = await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/tickets?filter[conversation_id]={id}"), 200);
            var ticket = Assert.Single(tickets.GetProperty("items").EnumerateArray());
            Assert.Equal("resolved", ticket.GetProperty("status").GetString());
        }
    }

    private static async Task<Guid> EscalatedAsync(TestUser customer)
    {
        var turn = await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/chat/process", new { message = "I want to talk to a human" }), 200);
        Assert.True(turn.GetProperty("escalation_needed").GetBoolean());
        return turn.GetProperty("session_id").GetGuid();
    }
}

public sealed class SqliteReferenceFlowTests(SqliteApp app) : ReferenceFlowTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresReferenceFlowTests(PostgresApp app) : ReferenceFlowTests(app), IClassFixture<PostgresApp>;
