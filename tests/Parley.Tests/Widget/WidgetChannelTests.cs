using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Widget;

/// <summary>Issue 14: admins manage web widget channels; visitors get scoped tokens from a channel's website token.</summary>
public abstract class WidgetChannelTests(ParleyApp app)
{
    [Fact]
    public async Task Admins_create_channels_whose_secret_is_shown_once_and_bad_input_is_refused()
    {
        var admin = await app.CreateTenantWithAdminAsync("Widget");
        var channel = await WidgetKit.CreateChannelAsync(admin, ["https://Shop.Example/", "http://localhost:3000"], new { color = "#FF0000", position = "left", pre_chat_fields = new[] { "name" } });
        Assert.StartsWith("wt_", channel.WebsiteToken, StringComparison.Ordinal);
        Assert.StartsWith("wsec_", channel.Secret, StringComparison.Ordinal);

        var read = await admin.Client.GetAsync($"/api/v1/widget/channels/{channel.Id}");
        var text = await read.Content.ReadAsStringAsync();
        Assert.DoesNotContain(channel.Secret, text, StringComparison.Ordinal);
        var view = JsonDocument.Parse(text).RootElement;
        Assert.Equal(["https://shop.example", "http://localhost:3000"], view.GetProperty("allowed_origins").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal("#ff0000", view.GetProperty("color").GetString());
        Assert.Equal("web_widget", view.GetProperty("channel").GetString());
        Assert.Contains($"data-website-token=\"{channel.WebsiteToken}\"", view.GetProperty("embed_snippet").GetString(), StringComparison.Ordinal);
        var list = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/widget/channels"), 200);
        Assert.DoesNotContain(channel.Secret, list.GetRawText(), StringComparison.Ordinal);

        var bad = await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/widget/channels",
            new { name = "x", allowed_origins = new[] { "javascript:alert(1)", "https://a.example/path" }, color = "red", position = "top", pre_chat_fields = new[] { "phone" } }), 422);
        var fields = bad.GetProperty("error").GetProperty("details").EnumerateArray().Select(d => d.GetProperty("field").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "allowed_origins", "color", "position", "pre_chat_fields" }, fields);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/widget/channels", new { name = "x", assistant_id = Guid.NewGuid() }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/widget/channels", new { greeting = "no name" }), 422);

        var agent = await app.CreateUserAsync(admin, "agent");
        await Json.ReadErrorAsync(await agent.Client.GetAsync("/api/v1/widget/channels"), 403);
        var other = await app.CreateTenantWithAdminAsync("Other");
        await Json.ReadErrorAsync(await other.Client.GetAsync($"/api/v1/widget/channels/{channel.Id}"), 404);
        await Json.ReadErrorAsync(await other.Client.DeleteAsync($"/api/v1/widget/channels/{channel.Id}"), 404);

        var rotated = await Json.ReadAsync(await admin.Client.PostAsync($"/api/v1/widget/channels/{channel.Id}/rotate-secret", null), 200);
        Assert.NotEqual(channel.Secret, rotated.GetProperty("identity_secret").GetString());
    }

    [Fact]
    public async Task The_platform_tenant_has_a_default_channel_and_the_demo_page_embeds_it()
    {
        var channels = await Json.ReadAsync(await app.Admin.Client.GetAsync("/api/v1/widget/channels"), 200);
        var channel = Assert.Single(channels.GetProperty("items").EnumerateArray(), c => c.GetProperty("is_default").GetBoolean());
        var token = channel.GetProperty("website_token").GetString()!;

        var demo = await app.Anonymous().GetAsync("/demo");
        var html = await demo.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)demo.StatusCode);
        Assert.Contains($"data-website-token=\"{token}\"", html, StringComparison.Ordinal);
        Assert.Contains("script-src " + app.BaseAddress.GetLeftPart(UriPartial.Authority), demo.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        var script = await app.Anonymous().GetAsync("/widget.js");
        Assert.Equal(200, (int)script.StatusCode);
        Assert.StartsWith("text/javascript", script.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Contains("customElements.define", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_visitor_chats_over_the_conversation_socket_and_the_conversation_is_a_web_widget_one()
    {
        var admin = await app.CreateTenantWithAdminAsync("Chat");
        var channel = await WidgetKit.CreateChannelAsync(admin);
        var config = await Json.ReadAsync(await app.Anonymous().GetAsync($"/api/v1/widget/{channel.WebsiteToken}/config"), 200);
        Assert.Equal("Hello!", config.GetProperty("greeting").GetString());
        Assert.False(config.TryGetProperty("identity_secret", out _));

        var visitor = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken, new { name = "Vera" });
        var id = await WidgetKit.StartConversationAsync(visitor, channel.WebsiteToken);
        var (socket, status) = await WidgetKit.ConnectAsync(app, $"/api/v1/ws/chat/{id}", visitor.AccessToken, WidgetKit.HostOrigin);
        Assert.Null(status);
        using (socket)
        {
            await WidgetKit.ReceiveAsync(socket!, "connection_established");
            await WidgetKit.SendAsync(socket!, new { type = "message", content = "Hello there, what are your opening hours?" });
            await WidgetKit.ReceiveAsync(socket!, "token");
            var final = await WidgetKit.ReceiveAsync(socket!, "final");
            Assert.False(string.IsNullOrEmpty(final.GetProperty("response").GetString()));
        }

        var inbox = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/conversations?filter[channel]=web_widget"), 200);
        var row = Assert.Single(inbox.GetProperty("items").EnumerateArray());
        Assert.Equal(id, row.GetProperty("id").GetGuid());
        Assert.Equal("web_widget", row.GetProperty("channel").GetString());
        var mine = await Json.ReadAsync(await visitor.Client.GetAsync($"/api/v1/widget/{channel.WebsiteToken}/conversations"), 200);
        Assert.Equal(id, Assert.Single(mine.EnumerateArray()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_visitor_reaches_only_its_own_conversations_on_its_own_channel()
    {
        var admin = await app.CreateTenantWithAdminAsync("Own");
        var channel = await WidgetKit.CreateChannelAsync(admin);
        var second = await WidgetKit.CreateChannelAsync(admin);
        var alice = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken);
        var bob = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken);
        var alices = await WidgetKit.StartConversationAsync(alice, channel.WebsiteToken);

        var (socket, status) = await WidgetKit.ConnectAsync(app, $"/api/v1/ws/chat/{alices}", bob.AccessToken, WidgetKit.HostOrigin);
        using (socket)
        {
            Assert.Null(status);
            var error = await WidgetKit.ReceiveAsync(socket!, "error");
            Assert.Equal("NOT_FOUND", error.GetProperty("error").GetProperty("code").GetString());
        }

        await Json.ReadErrorAsync(await bob.Client.PostAsJsonAsync($"/api/v1/widget/{channel.WebsiteToken}/conversations/{alices}/rating", new { rating = 5 }), 404);
        using var follow = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/conversations/{alices}/events");
        await Json.ReadErrorAsync(await bob.Client.SendAsync(follow), 404);
        await Json.ReadErrorAsync(await bob.Client.PostAsJsonAsync("/api/v1/chat/stream", new { session_id = alices, message = "hi" }), 404);
        // No conversation of another channel either: /chat/stream needs one of the visitor's widget conversations.
        await Json.ReadErrorAsync(await bob.Client.PostAsJsonAsync("/api/v1/chat/stream", new { message = "hi" }), 422);
        await Json.ReadErrorAsync(await bob.Client.PostAsJsonAsync("/api/v1/chat/stream", new { session_id = "my-own-id", message = "hi" }), 422);
        // Another channel's routes refuse the token, even in the same tenant.
        await Json.ReadErrorAsync(await alice.Client.GetAsync($"/api/v1/widget/{second.WebsiteToken}/conversations"), 403);
        // A user's token is no visitor token.
        var user = await app.CreateUserAsync(admin);
        await Json.ReadErrorAsync(await user.Client.PostAsync($"/api/v1/widget/{channel.WebsiteToken}/conversations", null), 403);
        await Json.ReadErrorAsync(await app.Anonymous().PostAsync($"/api/v1/widget/{channel.WebsiteToken}/conversations", null), 401);
        await Json.ReadErrorAsync(await app.Anonymous().GetAsync("/api/v1/widget/wt_unknown/config"), 404);
    }

    [Fact]
    public async Task A_visitor_following_an_up_to_date_conversation_as_an_event_source_is_answered_at_once()
    {
        var admin = await app.CreateTenantWithAdminAsync("Follow");
        var channel = await WidgetKit.CreateChannelAsync(admin);
        var visitor = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken);
        var id = await WidgetKit.StartConversationAsync(visitor, channel.WebsiteToken);

        // As a browser's EventSource asks: the token in the query, Accept text/event-stream, the page's Origin.
        using var follow = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/conversations/{id}/events?token={visitor.AccessToken}");
        follow.Headers.Add("Origin", WidgetKit.HostOrigin);
        follow.Headers.Add("Accept", "text/event-stream");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        // Nothing to replay: the headers must come before any event (an EventSource opens only then).
        using var response = await app.Anonymous().SendAsync(follow, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(WidgetKit.HostOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Origins_are_checked_on_http_and_websocket_and_allowed_ones_get_cors_headers()
    {
        var admin = await app.CreateTenantWithAdminAsync("Origin");
        var channel = await WidgetKit.CreateChannelAsync(admin);

        await Json.ReadErrorAsync(await WidgetKit.PostVisitorAsync(app, channel.WebsiteToken, origin: "https://evil.example"), 403);
        var allowed = await WidgetKit.PostVisitorAsync(app, channel.WebsiteToken);
        Assert.Equal(WidgetKit.HostOrigin, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var session = await Json.ReadAsync(allowed, 201);
        var token = session.GetProperty("access_token").GetString()!;

        using var preflight = new HttpRequestMessage(HttpMethod.Options, $"/api/v1/widget/{channel.WebsiteToken}/visitors");
        preflight.Headers.Add("Origin", WidgetKit.HostOrigin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type,authorization");
        var answer = await app.Anonymous().SendAsync(preflight);
        Assert.Equal(204, (int)answer.StatusCode);
        Assert.Equal(WidgetKit.HostOrigin, answer.Headers.GetValues("Access-Control-Allow-Origin").Single());

        var visitor = app.Authorized(token);
        visitor.DefaultRequestHeaders.Add("Origin", "https://evil.example");
        await Json.ReadErrorAsync(await visitor.PostAsync($"/api/v1/widget/{channel.WebsiteToken}/conversations", null), 403);
        var good = app.Authorized(token);
        good.DefaultRequestHeaders.Add("Origin", WidgetKit.HostOrigin);
        var id = (await Json.ReadAsync(await good.PostAsync($"/api/v1/widget/{channel.WebsiteToken}/conversations", null), 201)).GetProperty("id").GetGuid();

        var (refused, status) = await WidgetKit.ConnectAsync(app, $"/api/v1/ws/chat/{id}", token, "https://evil.example");
        Assert.Null(refused);
        Assert.Equal(403, status);
        var (socket, ok) = await WidgetKit.ConnectAsync(app, $"/ws/chat/{id}", token, WidgetKit.HostOrigin);
        using (socket)
        {
            Assert.Null(ok);
            await WidgetKit.ReceiveAsync(socket!, "connection_established");
        }

        // Deactivating the channel stops its visitors at once (on this instance).
        await Json.ReadAsync(await admin.Client.PatchAsJsonAsync($"/api/v1/widget/channels/{channel.Id}", new { is_active = false }), 200);
        await Json.ReadErrorAsync(await good.GetAsync($"/api/v1/widget/{channel.WebsiteToken}/conversations"), 403);
        await Json.ReadErrorAsync(await WidgetKit.PostVisitorAsync(app, channel.WebsiteToken), 404);
    }

    [Fact]
    public async Task Identity_verification_refuses_a_wrong_hmac_and_links_a_right_one_to_the_same_visitor_on_every_device()
    {
        var admin = await app.CreateTenantWithAdminAsync("Identity");
        var channel = await WidgetKit.CreateChannelAsync(admin);

        await Json.ReadErrorAsync(await WidgetKit.PostVisitorAsync(app, channel.WebsiteToken, new { identifier = "cust-42", identifier_hash = WidgetKit.Hmac("wrong", "cust-42") }), 401);
        await Json.ReadErrorAsync(await WidgetKit.PostVisitorAsync(app, channel.WebsiteToken, new { identifier = "cust-42" }), 422);

        var laptop = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken, new { identifier = "cust-42", identifier_hash = WidgetKit.Hmac(channel.Secret, "cust-42"), name = "Casey" });
        var id = await WidgetKit.StartConversationAsync(laptop, channel.WebsiteToken);
        var phone = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken, new { identifier = "cust-42", identifier_hash = WidgetKit.Hmac(channel.Secret, "cust-42") });
        Assert.Equal(laptop.Id, phone.Id);
        var history = await Json.ReadAsync(await phone.Client.GetAsync($"/api/v1/widget/{channel.WebsiteToken}/conversations"), 200);
        Assert.Equal(id, Assert.Single(history.EnumerateArray()).GetProperty("id").GetGuid());
        var anonymous = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken);
        Assert.NotEqual(laptop.Id, anonymous.Id);

        // The refresh token renews silently, and only on its own channel.
        var other = await WidgetKit.CreateChannelAsync(admin);
        await Json.ReadErrorAsync(await app.Anonymous().PostAsJsonAsync($"/api/v1/widget/{other.WebsiteToken}/visitors/refresh", new { refresh_token = phone.RefreshToken }), 401);
        var renewed = await Json.ReadAsync(await app.Anonymous().PostAsJsonAsync($"/api/v1/widget/{channel.WebsiteToken}/visitors/refresh", new { refresh_token = phone.RefreshToken }), 200);
        Assert.True(renewed.GetProperty("identified").GetBoolean());
        Assert.Equal(phone.Id, renewed.GetProperty("visitor_id").GetGuid());
    }

    [Fact]
    public async Task A_rating_after_the_agent_ends_the_conversation_is_csat_in_analytics()
    {
        var admin = await app.CreateTenantWithAdminAsync("Csat");
        var agent = await app.CreateUserAsync(admin, "agent");
        var channel = await WidgetKit.CreateChannelAsync(admin);
        var visitor = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken);
        var id = await WidgetKit.StartConversationAsync(visitor, channel.WebsiteToken);
        // Not a widget route: the visitor token is refused there.
        await Json.ReadErrorAsync(await app.Authorized(visitor.AccessToken).PostAsJsonAsync("/api/v1/chat/process", new { session_id = id, message = "I want to talk to a human" }), 403);

        var (socket, _) = await WidgetKit.ConnectAsync(app, $"/api/v1/ws/chat/{id}", visitor.AccessToken, WidgetKit.HostOrigin);
        using (socket)
        {
            await WidgetKit.ReceiveAsync(socket!, "connection_established");
            await WidgetKit.SendAsync(socket!, new { type = "message", content = "I want to talk to a human" });
            var final = await WidgetKit.ReceiveAsync(socket!, "final");
            Assert.True(final.GetProperty("metadata").GetProperty("escalation_needed").GetBoolean());
            await Json.ReadErrorAsync(await visitor.Client.PostAsJsonAsync($"/api/v1/widget/{channel.WebsiteToken}/conversations/{id}/rating", new { rating = 4 }), 409);

            var queue = await Json.ReadAsync(await agent.Client.GetAsync("/api/v1/handoff/queue"), 200);
            Assert.Contains(queue.GetProperty("items").EnumerateArray(), q => q.GetProperty("id").GetGuid() == id);
            await Json.ReadAsync(await agent.Client.PostAsync($"/api/v1/handoff/{id}/claim", null), 200);
            var joined = await WidgetKit.ReceiveAsync(socket!, "message", e => e.GetProperty("message_type").GetString() == "system");
            Assert.Equal(agent.Username, joined.GetProperty("message").GetProperty("metadata").GetProperty("sender_name").GetString());
            await Json.ReadAsync(await agent.Client.PostAsJsonAsync($"/api/v1/handoff/{id}/messages", new { content = "Hi, I am here." }), 201);
            var reply = await WidgetKit.ReceiveAsync(socket!, "message", e => e.GetProperty("message_type").GetString() == "agent");
            Assert.Equal("Hi, I am here.", reply.GetProperty("content").GetString());
            await Json.ReadAsync(await agent.Client.PostAsync($"/api/v1/handoff/{id}/close", null), 200);
            await WidgetKit.ReceiveAsync(socket!, "escalation", e => e.GetProperty("step").GetString() == "closed");
        }

        await Json.ReadErrorAsync(await visitor.Client.PostAsJsonAsync($"/api/v1/widget/{channel.WebsiteToken}/conversations/{id}/rating", new { rating = 9 }), 422);
        var rating = await Json.ReadAsync(await visitor.Client.PostAsJsonAsync($"/api/v1/widget/{channel.WebsiteToken}/conversations/{id}/rating", new { rating = 4, comment = "Quick and kind" }), 201);
        Assert.Equal("csat", rating.GetProperty("category").GetString());
        await Json.ReadErrorAsync(await visitor.Client.PostAsJsonAsync($"/api/v1/widget/{channel.WebsiteToken}/conversations/{id}/rating", new { rating = 5 }), 409);
        var dashboard = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/analytics/dashboard"), 200);
        Assert.Equal(4.0, dashboard.GetProperty("customer_satisfaction").GetDouble());
    }
}

public sealed class SqliteWidgetChannelTests(SqliteApp app) : WidgetChannelTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresWidgetChannelTests(PostgresApp app) : WidgetChannelTests(app), IClassFixture<PostgresApp>;
