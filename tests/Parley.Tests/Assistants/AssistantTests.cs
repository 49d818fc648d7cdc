using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Parley.Tests.Handoff;
using Parley.Tests.Infrastructure;
using Parley.Tests.Realtime;

namespace Parley.Tests.Assistants;

/// <summary>003 <c>/assistants</c>: CRUD, list parameters, the default assistant, binding and refusals.</summary>
public abstract class AssistantTests(ParleyApp app)
{
    private static async Task<JsonElement> CreateAsync(TestUser admin, object body)
        => await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/assistants", body), 201);

    [Fact]
    public async Task Admins_create_read_update_and_delete_assistants_with_every_documented_field()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var created = await CreateAsync(admin, new
        {
            name = "Billing Bot",
            description = "Answers billing questions",
            personality = "Friendly and professional",
            system_prompt = "You are a billing assistant.",
            tools = new[] { "create_ticket", "knowledge_search" },
            model = "gpt-4",
            temperature = 0.7,
            status = "draft",
            category = "billing",
            knowledge_categories = new[] { "billing", "refunds" },
        });
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal(id, created.GetProperty("assistant_id").GetGuid());
        Assert.Equal("Friendly and professional", created.GetProperty("personality").GetString());
        Assert.Equal(0.7, created.GetProperty("temperature").GetDouble());
        Assert.Equal(["create_ticket", "knowledge_search"], created.GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(["billing", "refunds"], created.GetProperty("knowledge_categories").EnumerateArray().Select(t => t.GetString()));
        Assert.False(created.GetProperty("is_default").GetBoolean());

        var updated = await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/assistants/{id}", new { status = "active", temperature = 0.2, knowledge_categories = new[] { "billing" } }), 200);
        Assert.Equal("active", updated.GetProperty("status").GetString());
        Assert.Equal(0.2, updated.GetProperty("temperature").GetDouble());
        Assert.Equal("Billing Bot", updated.GetProperty("name").GetString());
        Assert.Single(updated.GetProperty("knowledge_categories").EnumerateArray());

        var read = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/assistants/{id}"), 200);
        Assert.Equal("You are a billing assistant.", read.GetProperty("system_prompt").GetString());

        await Json.ReadAsync(await admin.Client.DeleteAsync($"/api/v1/assistants/{id}"), 204);
        await Json.ReadErrorAsync(await admin.Client.GetAsync($"/api/v1/assistants/{id}"), 404);
    }

    [Fact]
    public async Task The_list_filters_sorts_searches_and_pages_and_includes_the_default_assistant()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await CreateAsync(admin, new { name = "Zeta", status = "active", category = "general" });
        await CreateAsync(admin, new { name = "Alpha", status = "active", category = "general", description = "handles refunds" });
        await CreateAsync(admin, new { name = "Mid", status = "inactive", category = "sales" });

        var active = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/assistants?status=active&category=general&sort=name:asc"), 200);
        Assert.Equal(["Alpha", "Zeta"], active.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("name").GetString()));

        var all = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/assistants?sort=name:asc"), 200);
        Assert.Equal(4, all.GetProperty("total").GetInt32());
        Assert.Single(all.GetProperty("items").EnumerateArray(), a => a.GetProperty("is_default").GetBoolean());

        var newest = await Json.ReadAsync(await admin.Client.GetAsync("/assistants?sort=created_at:desc&size=1&page=1&filter[is_default]=false"), 200);
        Assert.Equal("Mid", newest.GetProperty("items")[0].GetProperty("name").GetString());
        Assert.True(newest.GetProperty("has_next").GetBoolean());
        Assert.Equal(3, newest.GetProperty("pages").GetInt32());

        var searched = await Json.ReadAsync(await admin.Client.GetAsync("/assistants?search=REFUND"), 200);
        Assert.Equal("Alpha", Assert.Single(searched.GetProperty("items").EnumerateArray()).GetProperty("name").GetString());

        var inactive = await Json.ReadAsync(await admin.Client.GetAsync("/assistants?filter[status]=inactive"), 200);
        Assert.Equal("Mid", Assert.Single(inactive.GetProperty("items").EnumerateArray()).GetProperty("name").GetString());

        await Json.ReadErrorAsync(await admin.Client.GetAsync("/assistants?status=sleeping"), 400);
        await Json.ReadErrorAsync(await admin.Client.GetAsync("/assistants?sort=colour:asc"), 400);
    }

    [Fact]
    public async Task Customers_read_shared_assistants_change_only_their_own_and_other_tenants_get_404()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var id = (await CreateAsync(admin, new { name = "Secretive", system_prompt = "internal instructions" })).GetProperty("id").GetGuid();

        var seen = await Json.ReadAsync(await customer.Client.GetAsync($"/api/v1/assistants/{id}"), 200);
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("system_prompt").ValueKind);
        // Issue 19: the AI Assistant Platform document gives assistants to every user; a user's own stay theirs (RoleOwnershipTests).
        await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/assistants", new { name = "Mine" }), 201);
        await Json.ReadAsync(await agent.Client.PutAsJsonAsync($"/api/v1/assistants/{id}", new { name = "Renamed" }), 200);
        await Json.ReadErrorAsync(await customer.Client.DeleteAsync($"/api/v1/assistants/{id}"), 403);

        var outsider = await app.CreateTenantWithAdminAsync();
        await Json.ReadErrorAsync(await outsider.Client.GetAsync($"/api/v1/assistants/{id}"), 404);
        await Json.ReadErrorAsync(await outsider.Client.PutAsJsonAsync($"/api/v1/assistants/{id}", new { name = "Stolen" }), 404);
        await Json.ReadErrorAsync(await outsider.Client.DeleteAsync($"/api/v1/assistants/{id}"), 404);
        var theirs = await Json.ReadAsync(await outsider.Client.GetAsync("/api/v1/assistants"), 200);
        Assert.DoesNotContain(theirs.GetProperty("items").EnumerateArray(), a => a.GetProperty("id").GetGuid() == id);
        await Json.ReadErrorAsync(await admin.Client.GetAsync($"/api/v1/assistants/{Guid.NewGuid()}"), 404);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_clear_error()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/assistants", new { description = "no name" }), 422);
        var invalid = await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/assistants", new { name = "x", temperature = 5, status = "sleeping" }), 422);
        var fields = invalid.GetProperty("error").GetProperty("details").EnumerateArray().Select(d => d.GetProperty("field").GetString()).ToList();
        Assert.Contains("temperature", fields);
        Assert.Contains("status", fields);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/assistants", new { name = "x", temperature = "hot" }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsync("/api/v1/assistants", new StringContent("{\"name\":", Encoding.UTF8, "application/json")), 400);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/assistants", new { name = "x", tools = Enumerable.Range(0, 51).Select(i => $"t{i}") }), 422);

        var list = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/assistants?filter[is_default]=true"), 200);
        var defaultId = list.GetProperty("items")[0].GetProperty("id").GetGuid();
        await Json.ReadErrorAsync(await admin.Client.DeleteAsync($"/api/v1/assistants/{defaultId}"), 409);
        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync($"/api/v1/assistants/{defaultId}", new { is_default = false }), 409);
    }

    [Fact]
    public async Task Conversations_bind_to_the_named_assistant_or_the_tenant_default()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var named = (await CreateAsync(admin, new { name = "Named" })).GetProperty("id").GetGuid();
        var retired = (await CreateAsync(admin, new { name = "Retired", status = "inactive" })).GetProperty("id").GetGuid();

        var withNamed = await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/conversations", new { assistant_id = named, title = "Hi" }), 201);
        Assert.Equal(named, withNamed.GetProperty("assistant_id").GetGuid());

        var plain = await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/conversations", new { title = "Hi" }), 201);
        var chat = await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/message", new { message = "hello" }), 200);
        var viaChat = await Json.ReadAsync(await customer.Client.GetAsync($"/api/v1/conversations/{chat.GetProperty("session_id").GetGuid()}"), 200);
        var defaults = await Json.ReadAsync(await customer.Client.GetAsync("/api/v1/assistants?filter[is_default]=true"), 200);
        var defaultId = Assert.Single(defaults.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid();
        Assert.Equal(defaultId, plain.GetProperty("assistant_id").GetGuid());
        Assert.Equal(defaultId, viaChat.GetProperty("assistant_id").GetGuid());

        var filtered = await Json.ReadAsync(await customer.Client.GetAsync($"/api/v1/conversations?assistant_id={named}"), 200);
        Assert.Equal(withNamed.GetProperty("id").GetGuid(), Assert.Single(filtered.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());

        await Json.ReadErrorAsync(await customer.Client.PostAsJsonAsync("/api/v1/conversations", new { assistant_id = retired }), 422);
        var outsider = await app.CreateTenantWithAdminAsync();
        await Json.ReadErrorAsync(await outsider.Client.PostAsJsonAsync("/api/v1/conversations", new { assistant_id = named }), 404);

        // Making another assistant the default moves the mark: one default per tenant.
        await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/assistants/{named}", new { is_default = true }), 200);
        var after = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/assistants?filter[is_default]=true"), 200);
        Assert.Equal(named, Assert.Single(after.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_status_change_reaches_the_tenants_sockets_as_assistant_status_and_no_one_else()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var outsider = await app.CreateTenantWithAdminAsync();
        var id = (await CreateAsync(admin, new { name = "Status Bot" })).GetProperty("id").GetGuid();
        await using var socket = await SocketClient.ConnectAsync(app, "/ws", customer.AccessToken);
        await socket.NextAsync("connection_established");
        await using var outsiderSocket = await SocketClient.ConnectAsync(app, "/ws", outsider.AccessToken);
        await outsiderSocket.NextAsync("connection_established");

        await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/assistants/{id}", new { status = "inactive" }), 200);
        var status = await socket.NextAsync("assistant_status");
        Assert.Equal(id, status.GetProperty("assistant_id").GetGuid());
        Assert.Equal("inactive", status.GetProperty("status").GetString());
        Assert.Equal("active", status.GetProperty("previous_status").GetString());

        await outsiderSocket.SendAsync(new { type = "ping" });
        await outsiderSocket.NextAsync("pong");
        Assert.DoesNotContain(outsiderSocket.Seen, e => e.GetProperty("type").GetString() == "assistant_status");
    }

    [Fact]
    public async Task Changing_an_assistant_forgets_its_cached_answers()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var alice = await app.CreateUserAsync(admin);
        var first = await Json.ReadAsync(await alice.Client.PostAsJsonAsync("/chat/message", new { message = "Hello there!" }), 200);
        Assert.False(first.GetProperty("cached").GetBoolean());
        Assert.True((await Json.ReadAsync(await alice.Client.PostAsJsonAsync("/chat/message", new { message = "hello there" }), 200)).GetProperty("cached").GetBoolean());

        var defaults = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/assistants?filter[is_default]=true"), 200);
        var id = defaults.GetProperty("items")[0].GetProperty("id").GetGuid();
        await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/assistants/{id}", new { personality = "Terse" }), 200);
        Assert.False((await Json.ReadAsync(await alice.Client.PostAsJsonAsync("/chat/message", new { message = "hello there" }), 200)).GetProperty("cached").GetBoolean());
    }
}

public sealed class SqliteAssistantTests(SqliteApp app) : AssistantTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresAssistantTests(PostgresApp app) : AssistantTests(app), IClassFixture<PostgresApp>;

/// <summary>assistant.status_changed is raised into the unit of work that changes the status.</summary>
public sealed class AssistantEventTests(EventRecordingApp app) : IClassFixture<EventRecordingApp>
{
    [Fact]
    public async Task A_status_change_raises_assistant_status_changed()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var created = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/assistants", new { name = "Evented", status = "draft" }), 201);
        var id = created.GetProperty("id").GetGuid();
        await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/assistants/{id}", new { description = "no status change" }), 200);
        Assert.Empty(app.Events.Of("assistant.status_changed", d => d.GetProperty("assistant_id").GetGuid() == id));

        await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/assistants/{id}", new { status = "active" }), 200);
        var raised = Assert.Single(app.Events.Of("assistant.status_changed", d => d.GetProperty("assistant_id").GetGuid() == id));
        Assert.Equal("active", raised.GetProperty("status").GetString());
        Assert.Equal("draft", raised.GetProperty("previous_status").GetString());
        Assert.Equal("Evented", raised.GetProperty("name").GetString());
    }
}
