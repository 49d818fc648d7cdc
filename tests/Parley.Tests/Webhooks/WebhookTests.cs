using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Webhooks;

/// <summary>Subscriptions, the signed outbox, retries, disabling, the delivery log and redelivery, through HTTP and a real receiver.</summary>
public abstract class WebhookTests(ParleyApp app, WebhookReceiver receiver)
{
    internal static async Task<(Guid Id, string Secret)> SubscribeAsync(TestUser admin, string url, params string[] events)
    {
        var body = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/webhooks", new { url, events }), 201);
        return (body.GetProperty("id").GetGuid(), body.GetProperty("secret").GetString()!);
    }

    /// <summary>Independent of Parley's code: Standard Webhooks v1 over id.timestamp.body with the whsec_ key.</summary>
    internal static void AssertSigned(ReceivedHook hook, string secret)
    {
        Assert.StartsWith("msg_", hook.Id);
        Assert.True(long.TryParse(hook.Timestamp, out var timestamp));
        Assert.InRange(timestamp, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds());
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{hook.Id}.{hook.Timestamp}.{hook.Body}")));
        Assert.Equal(expected, hook.Signature);
    }

    internal static async Task<JsonElement> WaitForDeliveryAsync(TestUser admin, Guid webhookId, Func<JsonElement, bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var page = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/webhooks/{webhookId}/deliveries", timeout.Token), 200);
            var match = page.GetProperty("items").EnumerateArray().FirstOrDefault(done);
            if (match.ValueKind != JsonValueKind.Undefined)
            {
                return match;
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    [Fact]
    public async Task The_secret_is_shown_once_and_stored_encrypted()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var created = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/webhooks", new
        {
            url = "https://hooks.example.com/parley",
            events = new[] { "conversation.created", "message.received" },
        }), 201);
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(32, Convert.FromBase64String(secret[6..]).Length);
        Assert.True(created.GetProperty("has_secret").GetBoolean());
        Assert.Equal("active", created.GetProperty("status").GetString());
        var id = created.GetProperty("id").GetGuid();

        var fetched = await admin.Client.GetStringAsync($"/api/v1/webhooks/{id}");
        var listed = await admin.Client.GetStringAsync("/api/v1/webhooks");
        var updated = await admin.Client.PutAsJsonAsync($"/api/v1/webhooks/{id}", new { events = new[] { "user.created" }, secret = "webhook-secret" });
        var updatedText = (await Json.ReadAsync(updated, 200)).GetRawText();
        foreach (var text in new[] { fetched, listed, updatedText })
        {
            Assert.DoesNotContain(secret, text);
            Assert.DoesNotContain("webhook-secret", text);
            Assert.DoesNotContain("\"secret\"", text);
            Assert.Contains("\"has_secret\":true", text);
        }

        Assert.Contains("user.created", updatedText);
        Assert.DoesNotContain("message.received", updatedText);

        // The database holds ciphertext only.
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Parley.Server.Storage.ParleyDb>();
        var stored = db.Set<Parley.Server.Webhooks.Webhook>().IgnoreQueryFilters().Single(w => w.Id == id).SecretProtected;
        Assert.DoesNotContain("webhook-secret", stored);
        Assert.DoesNotContain(secret[6..], stored);

        var rotated = await Json.ReadAsync(await admin.Client.PostAsync($"/api/v1/webhooks/{id}/rotate-secret", null), 200);
        Assert.StartsWith("whsec_", rotated.GetProperty("secret").GetString());

        Assert.Equal(204, (int)(await admin.Client.DeleteAsync($"/api/v1/webhooks/{id}")).StatusCode);
        await Json.ReadErrorAsync(await admin.Client.GetAsync($"/api/v1/webhooks/{id}"), 404);
    }

    [Fact]
    public async Task Users_manage_only_their_own_webhooks_and_other_tenants_get_404()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var agent = await app.CreateUserAsync(admin, "agent");
        var customer = await app.CreateUserAsync(admin, "user");
        var (id, _) = await SubscribeAsync(admin, "https://hooks.example.com/a", "user.created");
        // Issue 19: the Customer Care AI and AI Assistant Platform documents give webhooks to every user; agents manage the tenant's, a user their own.
        await Json.ReadAsync(await agent.Client.GetAsync($"/webhooks/{id}/deliveries"), 200);
        await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/webhooks", new { url = "https://hooks.example.com/b", events = new[] { "user.created" } }), 201);
        Assert.Equal(1, (await Json.ReadAsync(await customer.Client.GetAsync("/webhooks"), 200)).GetProperty("items").GetArrayLength());
        await Json.ReadErrorAsync(await customer.Client.GetAsync($"/webhooks/{id}/deliveries"), 404);
        foreach (var caller in new[] { agent, customer })
        {
            await Json.ReadErrorAsync(await caller.Client.PostAsync("/webhooks/inbound/secret", null), 403);
        }

        await Json.ReadErrorAsync(await app.Anonymous().GetAsync("/webhooks"), 401);

        var outsider = await app.CreateTenantWithAdminAsync("Other");
        await Json.ReadErrorAsync(await outsider.Client.GetAsync($"/webhooks/{id}"), 404);
        await Json.ReadErrorAsync(await outsider.Client.PutAsJsonAsync($"/webhooks/{id}", new { url = "https://evil.example.com/" }), 404);
        await Json.ReadErrorAsync(await outsider.Client.DeleteAsync($"/webhooks/{id}"), 404);
        await Json.ReadErrorAsync(await outsider.Client.GetAsync($"/webhooks/{id}/deliveries"), 404);
        await Json.ReadErrorAsync(await outsider.Client.PostAsync($"/webhooks/{id}/rotate-secret", null), 404);
        var list = await Json.ReadAsync(await outsider.Client.GetAsync("/webhooks"), 200);
        Assert.Equal(0, list.GetProperty("total").GetInt32());
        await Json.ReadErrorAsync(await admin.Client.GetAsync($"/webhooks/{Guid.NewGuid()}"), 404);
        await Json.ReadErrorAsync(await admin.Client.PostAsync($"/webhooks/{id}/deliveries/{Guid.NewGuid()}/redeliver", null), 404);
    }

    [Theory]
    [InlineData("http://10.0.0.5/hook", "non-public")]
    [InlineData("http://169.254.169.254/latest/meta-data", "non-public")]
    [InlineData("http://localhost:9000/hook", "localhost")]
    [InlineData("ftp://hooks.example.com/x", "http or https")]
    public async Task Private_and_bad_urls_are_refused(string url, string reason)
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var error = await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/webhooks", new { url, events = new[] { "user.created" } }), 422);
        Assert.Contains(reason, error.GetRawText());
        Assert.Equal(0, (await Json.ReadAsync(await admin.Client.GetAsync("/webhooks"), 200)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Bad_requests_are_refused_and_nothing_is_stored()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/webhooks", new { url = "https://hooks.example.com/", events = new[] { "no.such.event" } }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/webhooks", new { url = "https://hooks.example.com/", events = Array.Empty<string>() }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/webhooks", new { events = new[] { "user.created" } }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/webhooks", new { url = "https://hooks.example.com/", events = new[] { "user.created" }, secret = "short" }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsync("/webhooks", new StringContent("{\"url\": ", Encoding.UTF8, "application/json")), 400);
        await Json.ReadErrorAsync(await admin.Client.PostAsync("/webhooks", new StringContent("{\"url\": \"https://hooks.example.com/\", \"events\": 5}", Encoding.UTF8, "application/json")), 422);
        Assert.Equal(0, (await Json.ReadAsync(await admin.Client.GetAsync("/webhooks"), 200)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Events_arrive_signed_with_the_documented_payload_and_redacted_content()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var endpoint = receiver.NewEndpoint(200);
        var (webhookId, secret) = await SubscribeAsync(admin, receiver.Url(endpoint), "conversation.created", "message.received", "conversation.ended", "user.created", "user.updated");
        var customer = await app.CreateUserAsync(admin, "user");

        var userCreated = await endpoint.NextAsync(h => h.Event == "user.created");
        AssertSigned(userCreated, secret);
        Assert.Equal(customer.Id, userCreated.Json.GetProperty("data").GetProperty("user_id").GetGuid());
        Assert.DoesNotContain("password", userCreated.Body);
        await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/users/{customer.Id}", new { full_name = "Renamed Customer" }), 200);
        var userUpdated = await endpoint.NextAsync(h => h.Event == "user.updated");
        Assert.Equal("Renamed Customer", userUpdated.Json.GetProperty("data").GetProperty("full_name").GetString());

        var turn = await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/process",
            new { message = "My card 4111 1111 1111 1111 was charged twice" }), 200);
        var conversationId = turn.GetProperty("session_id").GetGuid();

        var created = await endpoint.NextAsync(h => h.Event == "conversation.created");
        AssertSigned(created, secret);
        var payload = created.Json;
        Assert.True(DateTimeOffset.TryParse(payload.GetProperty("timestamp").GetString(), out _));
        Assert.Equal(conversationId, payload.GetProperty("data").GetProperty("conversation_id").GetGuid());
        Assert.Equal(customer.Id, payload.GetProperty("data").GetProperty("user_id").GetGuid());
        Assert.Equal(JsonValueKind.Null, payload.GetProperty("data").GetProperty("assistant_id").ValueKind);

        var message = await endpoint.NextAsync(h => h.Event == "message.received");
        AssertSigned(message, secret);
        var data = message.Json.GetProperty("data");
        Assert.Equal(conversationId, data.GetProperty("conversation_id").GetGuid());
        Assert.Equal("user", data.GetProperty("role").GetString());
        Assert.False(string.IsNullOrEmpty(data.GetProperty("intent").GetString()));
        Assert.DoesNotContain("4111 1111 1111 1111", message.Body);

        // A customer message stored without a bot turn is received too.
        var sent = await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/messages/send", new { session_id = conversationId, content = "one more thing" }), 201);
        var sentHook = await endpoint.NextAsync(h => h.Event == "message.received" && h.Json.GetProperty("data").GetProperty("message_id").GetGuid() == sent.GetProperty("id").GetGuid());
        Assert.Equal("one more thing", sentHook.Json.GetProperty("data").GetProperty("content").GetString());

        await Json.ReadAsync(await customer.Client.PutAsync($"/api/v1/sessions/{conversationId}/end", null), 200);
        var ended = await endpoint.NextAsync(h => h.Event == "conversation.ended");
        Assert.Equal("ended", ended.Json.GetProperty("data").GetProperty("status").GetString());

        var delivered = await WaitForDeliveryAsync(admin, webhookId, d => d.GetProperty("event").GetString() == "conversation.ended" && d.GetProperty("status").GetString() == "succeeded");
        Assert.Equal(1, delivered.GetProperty("attempts").GetInt32());
        Assert.Equal(200, delivered.GetProperty("response_code").GetInt32());
        Assert.True(delivered.GetProperty("duration_ms").GetDouble() >= 0);
        Assert.Equal(JsonValueKind.Null, delivered.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task A_failed_attempt_is_retried_with_the_same_id_until_it_succeeds()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var endpoint = receiver.NewEndpoint(500, 503, 200);
        var (webhookId, secret) = await SubscribeAsync(admin, receiver.Url(endpoint), "user.created");
        await app.CreateUserAsync(admin, "agent");

        var first = await endpoint.NextAsync();
        var second = await endpoint.NextAsync();
        var third = await endpoint.NextAsync();
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Id, third.Id);
        Assert.Equal(first.Body, third.Body);
        AssertSigned(third, secret);

        var delivery = await WaitForDeliveryAsync(admin, webhookId, d => d.GetProperty("status").GetString() == "succeeded");
        Assert.Equal(3, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(200, delivery.GetProperty("response_code").GetInt32());
        var webhook = await Json.ReadAsync(await admin.Client.GetAsync($"/webhooks/{webhookId}"), 200);
        Assert.Equal(0, webhook.GetProperty("consecutive_failures").GetInt32());
        Assert.True(webhook.GetProperty("is_active").GetBoolean());
    }

    [Fact]
    public async Task A_410_disables_the_endpoint_at_once()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var endpoint = receiver.NewEndpoint(410);
        var (webhookId, _) = await SubscribeAsync(admin, receiver.Url(endpoint), "user.created");
        await app.CreateUserAsync(admin, "agent");

        var delivery = await WaitForDeliveryAsync(admin, webhookId, d => d.GetProperty("status").GetString() == "failed");
        Assert.Equal(410, delivery.GetProperty("response_code").GetInt32());
        Assert.Equal(1, delivery.GetProperty("attempts").GetInt32());
        var webhook = await Json.ReadAsync(await admin.Client.GetAsync($"/webhooks/{webhookId}"), 200);
        Assert.False(webhook.GetProperty("is_active").GetBoolean());
        Assert.Equal("disabled", webhook.GetProperty("status").GetString());
        Assert.Contains("410", webhook.GetProperty("disabled_reason").GetString());

        // Redelivery waits for the endpoint to be enabled again.
        var deliveryId = delivery.GetProperty("id").GetGuid();
        await Json.ReadErrorAsync(await admin.Client.PostAsync($"/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver", null), 409);
    }

    [Fact]
    public async Task A_long_failure_streak_disables_the_endpoint()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var endpoint = receiver.NewEndpoint(500);
        var (webhookId, _) = await SubscribeAsync(admin, receiver.Url(endpoint), "user.created");
        await app.CreateUserAsync(admin, "agent");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        JsonElement webhook;
        do
        {
            await Task.Delay(50, timeout.Token);
            webhook = await Json.ReadAsync(await admin.Client.GetAsync($"/webhooks/{webhookId}", timeout.Token), 200);
        }
        while (webhook.GetProperty("is_active").GetBoolean());

        Assert.Equal(4, webhook.GetProperty("consecutive_failures").GetInt32());
        Assert.Equal(4, endpoint.Count);
        var delivery = await WaitForDeliveryAsync(admin, webhookId, d => d.GetProperty("status").GetString() == "failed");
        Assert.StartsWith("endpoint answered 500", delivery.GetProperty("error").GetString());

        // Enabling it again resets the streak.
        var enabled = await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/webhooks/{webhookId}", new { is_active = true }), 200);
        Assert.True(enabled.GetProperty("is_active").GetBoolean());
        Assert.Equal(0, enabled.GetProperty("consecutive_failures").GetInt32());
        Assert.Equal(JsonValueKind.Null, enabled.GetProperty("disabled_reason").ValueKind);
    }

    [Fact]
    public async Task Redirects_are_not_followed_and_stalls_time_out()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var target = receiver.NewEndpoint(200);
        var redirecting = receiver.Add(new ReceiverScript([200], RedirectTo: receiver.Url(target)));
        var stalling = receiver.Add(new ReceiverScript([200], Stall: true));
        var (redirectId, _) = await SubscribeAsync(admin, receiver.Url(redirecting), "user.created");
        var (stallId, _) = await SubscribeAsync(admin, receiver.Url(stalling), "user.created");
        await app.CreateUserAsync(admin, "agent");

        var redirected = await WaitForDeliveryAsync(admin, redirectId, d => d.GetProperty("attempts").GetInt32() >= 1);
        Assert.Equal(302, redirected.GetProperty("response_code").GetInt32());
        Assert.Contains("redirect", redirected.GetProperty("error").GetString());
        Assert.Equal(0, target.Count);
        Assert.Empty(target.All);

        var stalled = await WaitForDeliveryAsync(admin, stallId, d => d.GetProperty("attempts").GetInt32() >= 1);
        Assert.StartsWith("timeout", stalled.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, stalled.GetProperty("response_code").ValueKind);
    }

    [Fact]
    public async Task A_delivery_can_be_sent_again_by_hand()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var endpoint = receiver.NewEndpoint(200);
        var (webhookId, secret) = await SubscribeAsync(admin, receiver.Url(endpoint), "user.created");
        await app.CreateUserAsync(admin, "agent");
        var original = await endpoint.NextAsync();
        var delivery = await WaitForDeliveryAsync(admin, webhookId, d => d.GetProperty("status").GetString() == "succeeded");
        var deliveryId = delivery.GetProperty("id").GetGuid();

        var accepted = await Json.ReadAsync(await admin.Client.PostAsync($"/api/v1/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver", null), 202);
        Assert.Equal("pending", accepted.GetProperty("status").GetString());
        var again = await endpoint.NextAsync();
        Assert.Equal(original.Id, again.Id);
        Assert.Equal(original.Body, again.Body);
        AssertSigned(again, secret);
        var after = await WaitForDeliveryAsync(admin, webhookId, d => d.GetProperty("attempts").GetInt32() == 2 && d.GetProperty("status").GetString() == "succeeded");
        Assert.Equal(deliveryId, after.GetProperty("id").GetGuid());

        var single = await Json.ReadAsync(await admin.Client.GetAsync($"/webhooks/{webhookId}/deliveries/{deliveryId}"), 200);
        Assert.Equal("user.created", single.GetProperty("payload").GetProperty("event").GetString());
        var filtered = await Json.ReadAsync(await admin.Client.GetAsync($"/webhooks/{webhookId}/deliveries?filter[status]=failed"), 200);
        Assert.Equal(0, filtered.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Events_of_other_types_and_other_tenants_are_not_sent()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var other = await app.CreateTenantWithAdminAsync("Other");
        var endpoint = receiver.NewEndpoint(200);
        var (webhookId, _) = await SubscribeAsync(admin, receiver.Url(endpoint), "conversation.ended");
        await app.CreateUserAsync(other, "agent");
        await Json.ReadAsync(await other.Client.PostAsJsonAsync("/chat/process", new { message = "hello" }), 200);
        await app.CreateUserAsync(admin, "agent");
        var session = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/sessions/create", new { }), 201);
        var id = session.GetProperty("id").GetGuid();
        await Json.ReadAsync(await admin.Client.PutAsync($"/sessions/{id}/end", null), 200);

        var hook = await endpoint.NextAsync();
        Assert.Equal("conversation.ended", hook.Event);
        Assert.Equal(id, hook.Json.GetProperty("data").GetProperty("conversation_id").GetGuid());
        var log = await Json.ReadAsync(await admin.Client.GetAsync($"/webhooks/{webhookId}/deliveries"), 200);
        Assert.Equal(1, log.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_deactivated_tenants_deliveries_are_parked_not_sent_and_go_out_once_it_is_reactivated()
    {
        var parked = await app.CreateTenantWithAdminAsync("Parked");
        var running = await app.CreateTenantWithAdminAsync("Running");
        var parkedEndpoint = receiver.NewEndpoint();
        var runningEndpoint = receiver.NewEndpoint();
        var (parkedHook, _) = await SubscribeAsync(parked, receiver.Url(parkedEndpoint), "user.updated");
        await SubscribeAsync(running, receiver.Url(runningEndpoint), "user.updated");
        await Json.ReadAsync(await app.Admin.Client.PutAsJsonAsync($"/api/v1/tenants/{parked.TenantId}", new { is_active = false }), 200);

        // Background work (a task finishing, a rollup) can still raise events for a deactivated tenant.
        await RaiseUserUpdatedAsync(parked.TenantId);
        await RaiseUserUpdatedAsync(running.TenantId);
        await runningEndpoint.NextAsync();
        // Several more dispatcher passes (100 ms polls) over the parked delivery.
        await Task.Delay(1000);
        Assert.Equal(0, parkedEndpoint.Count);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Parley.Server.Storage.ParleyDb>();
            var delivery = await db.Set<Parley.Server.Webhooks.WebhookDelivery>().IgnoreQueryFilters().AsNoTracking().SingleAsync(d => d.WebhookId == parkedHook);
            Assert.Equal("pending", delivery.Status);
            Assert.Equal(0, delivery.Attempts);
        }

        await Json.ReadAsync(await app.Admin.Client.PutAsJsonAsync($"/api/v1/tenants/{parked.TenantId}", new { is_active = true }), 200);
        Assert.Equal("user.updated", (await parkedEndpoint.NextAsync()).Event);
    }

    private async Task RaiseUserUpdatedAsync(Guid tenantId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Parley.Server.Storage.ParleyDb>();
        await scope.ServiceProvider.GetRequiredService<Parley.Server.Infrastructure.Events.DomainEvents>()
            .RaiseAsync(db, tenantId, "user.updated", new { user_id = Guid.NewGuid() }, CancellationToken.None);
        await db.SaveChangesAsync();
    }
}

public sealed class WebhookReceiverFixture : IAsyncLifetime
{
    public WebhookReceiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync() => Receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await Receiver.DisposeAsync();
}

public sealed class SqliteWebhookTests(WebhookSqliteApp app, WebhookReceiverFixture receiver)
    : WebhookTests(app, receiver.Receiver), IClassFixture<WebhookSqliteApp>, IClassFixture<WebhookReceiverFixture>;

public sealed class PostgresWebhookTests(WebhookPostgresApp app, WebhookReceiverFixture receiver)
    : WebhookTests(app, receiver.Receiver), IClassFixture<WebhookPostgresApp>, IClassFixture<WebhookReceiverFixture>;
