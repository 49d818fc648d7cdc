using System.Net.Http.Json;
using System.Text.Json;
using Parley.Client;
using Parley.Tests.Handoff;
using Parley.Tests.Infrastructure;
using Parley.Tests.Realtime;

namespace Parley.Tests.Desk;

/// <summary>
/// Conversation tags over HTTP, WebSocket and Parley.Client: agents add and remove them (normalised,
/// limited, tenant-scoped), lists filter by them and show them to staff only, a change is a live event
/// on staff sockets only, and a customer can neither read, set nor probe them.
/// </summary>
public abstract class TagsTests(ParleyApp app)
{
    private static async Task<Guid> EscalatedConversationAsync(TestUser customer, string message = "I want to talk to a real person please")
    {
        var turn = await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/process", new { message }), 200);
        return turn.GetProperty("session_id").GetGuid();
    }

    private static List<string> Tags(JsonElement view) => view.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToList();

    [Fact]
    public async Task Agents_tag_and_untag_a_conversation_and_the_lists_filter_by_tag_for_staff_only()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var tagged = await EscalatedConversationAsync(customer);
        var other = await EscalatedConversationAsync(customer, "A human agent please, about my invoice");

        var added = await Json.ReadAsync(await agent.Client.PostAsJsonAsync($"/api/v1/conversations/{tagged}/tags", new { tag = "  VIP  Customer " }), 200);
        Assert.Equal(["vip-customer"], Tags(added));
        added = await Json.ReadAsync(await admin.Client.PostAsJsonAsync($"/api/v1/conversations/{tagged}/tags", new { tag = "Billing" }), 200);
        Assert.Equal(["billing", "vip-customer"], Tags(added));
        var again = await Json.ReadAsync(await agent.Client.PostAsJsonAsync($"/api/v1/conversations/{tagged}/tags", new { tag = "billing" }), 200);
        Assert.Equal(["billing", "vip-customer"], Tags(again));
        await Json.ReadAsync(await agent.Client.PostAsJsonAsync($"/api/v1/conversations/{other}/tags", new { tag = "billing" }), 200);

        // The tag filter on both inbox lists, with the tags on every row.
        var byTag = await Json.ReadAsync(await agent.Client.GetAsync("/api/v1/conversations?tag=VIP-customer"), 200);
        var row = Assert.Single(byTag.GetProperty("items").EnumerateArray());
        Assert.Equal(tagged, row.GetProperty("id").GetGuid());
        Assert.Equal(["billing", "vip-customer"], Tags(row));
        var queue = await Json.ReadAsync(await agent.Client.GetAsync("/api/v1/handoff/queue?tag=billing&size=50"), 200);
        Assert.Equal(new[] { tagged, other }.Order(), queue.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).Order());
        var none = await Json.ReadAsync(await agent.Client.GetAsync("/api/v1/handoff/queue?tag=nobody-has-this"), 200);
        Assert.Equal(0, none.GetProperty("total").GetInt32());
        var inUse = await Json.ReadAsync(await agent.Client.GetAsync("/api/v1/conversation-tags"), 200);
        Assert.Equal("billing", inUse[0].GetProperty("tag").GetString());
        Assert.Equal(2, inUse[0].GetProperty("conversations").GetInt32());

        var removed = await Json.ReadAsync(await agent.Client.DeleteAsync($"/api/v1/conversations/{tagged}/tags/VIP-Customer"), 200);
        Assert.Equal(["billing"], Tags(removed));
        Assert.Equal(0, (await Json.ReadAsync(await agent.Client.GetAsync("/api/v1/conversations?tag=vip-customer"), 200)).GetProperty("total").GetInt32());
        Assert.Equal(["billing"], Tags(await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/conversations/{tagged}/tags"), 200)));

        // The customer: no tags in their lists or conversation, and no way to read, set or probe them.
        var mine = await Json.ReadAsync(await customer.Client.GetAsync("/api/v1/conversations"), 200);
        Assert.All(mine.GetProperty("items").EnumerateArray(), c => Assert.False(c.TryGetProperty("tags", out _)));
        Assert.DoesNotContain("billing", await (await customer.Client.GetAsync($"/api/v1/conversations/{tagged}")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Json.ReadErrorAsync(await customer.Client.GetAsync("/api/v1/conversations?tag=billing"), 403);
        await Json.ReadErrorAsync(await customer.Client.GetAsync($"/api/v1/conversations/{tagged}/tags"), 403);
        await Json.ReadErrorAsync(await customer.Client.PostAsJsonAsync($"/api/v1/conversations/{tagged}/tags", new { tag = "mine" }), 403);
        await Json.ReadErrorAsync(await customer.Client.DeleteAsync($"/api/v1/conversations/{tagged}/tags/billing"), 403);
        await Json.ReadErrorAsync(await customer.Client.GetAsync("/api/v1/conversation-tags"), 403);
    }

    [Fact]
    public async Task Bad_tags_are_422_too_many_409_and_foreign_or_unknown_conversations_404()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var outsider = await app.CreateUserAsync(await app.CreateTenantWithAdminAsync(), "agent");
        var id = await EscalatedConversationAsync(customer);

        foreach (var bad in new object[] { new { tag = "  " }, new { tag = new string('a', 33) }, new { tag = "<b>x</b>" }, new { tag = "a/b" }, new { } })
        {
            await Json.ReadErrorAsync(await agent.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/tags", bad), 422, "VALIDATION_ERROR");
        }

        await Json.ReadErrorAsync(await outsider.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/tags", new { tag = "x" }), 404);
        await Json.ReadErrorAsync(await outsider.Client.GetAsync($"/api/v1/conversations/{id}/tags"), 404);
        await Json.ReadErrorAsync(await outsider.Client.DeleteAsync($"/api/v1/conversations/{id}/tags/x"), 404);
        await Json.ReadErrorAsync(await agent.Client.GetAsync($"/api/v1/conversations/{Guid.NewGuid()}/tags"), 404);

        for (var i = 0; i < 20; i++)
        {
            await Json.ReadAsync(await agent.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/tags", new { tag = $"t{i:00}" }), 200);
        }

        var full = await Json.ReadErrorAsync(await agent.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/tags", new { tag = "one-more" }), 409);
        Assert.Contains("at most 20 tags", full.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        var tags = await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/conversations/{id}/tags"), 200);
        Assert.Equal(20, tags.GetProperty("tags").GetArrayLength());

        // The other workspace sees none of it.
        Assert.Equal(0, (await Json.ReadAsync(await outsider.Client.GetAsync("/api/v1/conversation-tags"), 200)).GetArrayLength());
        Assert.Equal(0, (await Json.ReadAsync(await outsider.Client.GetAsync("/api/v1/conversations?tag=t01"), 200)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_tag_change_reaches_staff_sockets_live_and_never_the_customer()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var id = await EscalatedConversationAsync(customer);
        await Json.ReadAsync(await agent.Client.PostAsync($"/api/v1/handoff/{id}/claim", null), 200);

        await using var customerSocket = await SocketClient.ConnectAsync(app, $"/ws/chat/{id}", customer.AccessToken);
        await customerSocket.NextAsync("connection_established");
        await using var agentSocket = await SocketClient.ConnectAsync(app, $"/ws/chat/{id}", agent.AccessToken);
        await agentSocket.NextAsync("connection_established");

        var secret = "risk-" + Guid.NewGuid().ToString("N")[..6];
        await Json.ReadAsync(await admin.Client.PostAsJsonAsync($"/api/v1/conversations/{id}/tags", new { tag = secret }), 200);
        var live = await agentSocket.NextAsync("tags");
        Assert.Equal([secret], live.GetProperty("data").GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ToList());

        await Json.ReadAsync(await agent.Client.PostAsJsonAsync($"/api/v1/handoff/{id}/messages", new { content = "Checking now." }), 201);
        var next = await customerSocket.NextOfAsync("tags", "message");
        Assert.Equal("message", next.GetProperty("type").GetString());
        Assert.DoesNotContain(customerSocket.Seen, e => e.GetRawText().Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_client_library_tags_lists_by_tag_and_reads_the_live_event()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var agentUser = await app.CreateUserAsync(admin, "agent");
        var id = await EscalatedConversationAsync(customer);
        var agent = new ParleyClient(new HttpClient { BaseAddress = app.BaseAddress });
        agent.UseTokens(new ParleyTokens(agentUser.AccessToken, agentUser.RefreshToken));

        await using var socket = await agent.Conversations.ConnectAsync(id, 0);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var events = socket.ReadEventsAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);

        // Tag changes are live events, not stored messages: they reach sockets subscribed when they happen. The server
        // subscribes before it says connection_established, so the tags are added after that (on a loaded machine the
        // handshake can finish well before the subscription).
        while (await events.MoveNextAsync() && events.Current.Type != "connection_established")
        {
        }

        Assert.Equal(["refund"], (await agent.Desk.AddTagAsync(id, "Refund")).Tags);
        Assert.Equal(["refund", "urgent"], (await agent.Desk.AddTagAsync(id, "urgent")).Tags);
        ConversationTags? live = null;
        while (await events.MoveNextAsync())
        {
            if (ConversationTags.From(events.Current) is { Tags.Count: 2 } t)
            {
                live = t;
                break;
            }
        }

        Assert.Equal(id, live!.ConversationId);
        var page = await agent.Handoff.QueueAsync(new ListQuery { Extra = new Dictionary<string, string> { ["tag"] = "urgent" } });
        Assert.Equal(id, Assert.Single(page.Items).Id);
        Assert.Equal(["refund", "urgent"], page.Items[0].Tags);
        Assert.Equal(["refund"], (await agent.Desk.RemoveTagAsync(id, "urgent")).Tags);
        Assert.Equal("refund", Assert.Single(await agent.Desk.TagsInUseAsync()).Tag);

        var error = await Assert.ThrowsAsync<ParleyApiException>(() => agent.Desk.AddTagAsync(Guid.NewGuid(), "x"));
        Assert.Equal(404, error.Status);
    }
}

public sealed class SqliteTagsTests(SqliteApp app) : TagsTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresTagsTests(PostgresApp app) : TagsTests(app), IClassFixture<PostgresApp>;
