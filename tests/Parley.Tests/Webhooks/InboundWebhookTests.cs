using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.ConversationModel;
using Parley.Server.Storage;
using Parley.Server.Webhooks;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Webhooks;

/// <summary>Customer messages posted by an external system, signed with the tenant's inbound secret.</summary>
public abstract class InboundWebhookTests(ParleyApp app)
{
    private static HttpRequestMessage Signed(Guid tenantId, string secret, string body, string? id = null, long? timestamp = null, string? signatureOverride = null)
    {
        id ??= "msg_" + Guid.NewGuid().ToString("N");
        var ts = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var signature = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{ts}.{body}")));
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/webhooks/inbound/{tenantId}/messages")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", ts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", signatureOverride ?? signature);
        return request;
    }

    private static async Task<string> InboundSecretAsync(TestUser admin)
    {
        var created = await Json.ReadAsync(await admin.Client.PostAsync("/webhooks/inbound/secret", null), 200);
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        Assert.EndsWith($"/webhooks/inbound/{admin.TenantId}/messages", created.GetProperty("url").GetString());
        var shown = await admin.Client.GetStringAsync("/webhooks/inbound");
        Assert.Contains("\"has_secret\":true", shown);
        Assert.DoesNotContain(secret, shown);
        Assert.DoesNotContain("\"secret\"", shown);
        return secret;
    }

    [Fact]
    public async Task A_signed_message_takes_the_normal_turn()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var secret = await InboundSecretAsync(admin);
        var anonymous = app.Anonymous();
        var body = JsonSerializer.Serialize(new { message = "I want to talk to a real person, my email is jane.doe@example.com", customer_id = "crm-42", channel = "email" });
        var answer = await Json.ReadAsync(await anonymous.SendAsync(Signed(admin.TenantId, secret, body)), 200);
        var conversationId = answer.GetProperty("conversation_id").GetGuid();
        Assert.Equal("human_handoff", answer.GetProperty("intent").GetString());
        Assert.True(answer.GetProperty("escalation_needed").GetBoolean());
        Assert.False(string.IsNullOrEmpty(answer.GetProperty("response").GetString()));

        var stored = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/conversations/{conversationId}"), 200);
        Assert.Equal("escalated", stored.GetProperty("status").GetString());
        Assert.Equal("email", stored.GetProperty("channel").GetString());
        Assert.DoesNotContain("jane.doe@example.com", stored.GetRawText());

        // A follow-up in the same conversation.
        var next = JsonSerializer.Serialize(new { message = "thanks", conversation_id = conversationId });
        var second = await Json.ReadAsync(await anonymous.SendAsync(Signed(admin.TenantId, secret, next)), 200);
        Assert.Equal(conversationId, second.GetProperty("conversation_id").GetGuid());
    }

    [Fact]
    public async Task A_deactivated_tenant_gets_no_inbound_messages_and_its_refresh_tokens_stop_working()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var secret = await InboundSecretAsync(admin);
        await Json.ReadAsync(await app.Admin.Client.PutAsJsonAsync($"/api/v1/tenants/{admin.TenantId}", new { is_active = false }), 200);

        var body = JsonSerializer.Serialize(new { message = "Where is my order?", customer_id = "crm-7" });
        await Json.ReadErrorAsync(await app.Anonymous().SendAsync(Signed(admin.TenantId, secret, body)), 403);
        await Json.ReadErrorAsync(await app.Anonymous().PostAsJsonAsync("/api/v1/auth/refresh", new { refresh_token = admin.RefreshToken }), 401);
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
            Assert.Equal(0, await db.Messages.IgnoreQueryFilters().CountAsync(m => m.TenantId == admin.TenantId));
            Assert.Equal(0, await db.Set<InboundWebhookReceipt>().IgnoreQueryFilters().CountAsync(r => r.TenantId == admin.TenantId));
        }

        // Active again: the same secret works.
        await Json.ReadAsync(await app.Admin.Client.PutAsJsonAsync($"/api/v1/tenants/{admin.TenantId}", new { is_active = true }), 200);
        await Json.ReadAsync(await app.Anonymous().SendAsync(Signed(admin.TenantId, secret, body)), 200);
    }

    [Fact]
    public async Task Bad_missing_stale_and_replayed_signatures_are_refused()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var secret = await InboundSecretAsync(admin);
        var anonymous = app.Anonymous();
        var body = JsonSerializer.Serialize(new { message = "hello" });

        await Json.ReadErrorAsync(await anonymous.SendAsync(Signed(admin.TenantId, secret, body, signatureOverride: "v1,AAAA")), 401);
        var wrongSecret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await Json.ReadErrorAsync(await anonymous.SendAsync(Signed(admin.TenantId, wrongSecret, body)), 401);
        var stale = await Json.ReadErrorAsync(await anonymous.SendAsync(Signed(admin.TenantId, secret, body, timestamp: DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds())), 401);
        Assert.Contains("stale", stale.GetRawText());
        var unsigned = await anonymous.PostAsync($"/webhooks/inbound/{admin.TenantId}/messages", new StringContent(body, Encoding.UTF8, "application/json"));
        await Json.ReadErrorAsync(unsigned, 401);

        // Signed for this tenant, sent to another: refused.
        var other = await app.CreateTenantWithAdminAsync("Other");
        await InboundSecretAsync(other);
        var misrouted = Signed(admin.TenantId, secret, body);
        misrouted.RequestUri = new Uri($"/api/v1/webhooks/inbound/{other.TenantId}/messages", UriKind.Relative);
        await Json.ReadErrorAsync(await anonymous.SendAsync(misrouted), 401);
        // A tenant without a secret refuses everything.
        await Json.ReadErrorAsync(await anonymous.SendAsync(Signed(Guid.NewGuid(), secret, body)), 401);

        var id = "msg_" + Guid.NewGuid().ToString("N");
        await Json.ReadAsync(await anonymous.SendAsync(Signed(admin.TenantId, secret, body, id)), 200);
        await Json.ReadErrorAsync(await anonymous.SendAsync(Signed(admin.TenantId, secret, body, id)), 409);

        // No conversation was started by any refused request.
        var conversations = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/conversations"), 200);
        Assert.Equal(1, conversations.GetProperty("total").GetInt32());

        // Deleting the secret turns incoming webhooks off.
        Assert.Equal(204, (int)(await admin.Client.DeleteAsync("/webhooks/inbound/secret")).StatusCode);
        await Json.ReadErrorAsync(await anonymous.SendAsync(Signed(admin.TenantId, secret, body)), 401);
    }

    [Fact]
    public async Task Receipts_are_kept_while_a_replay_could_pass_the_timestamp_check_and_dropped_after()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var secret = await InboundSecretAsync(admin);
        var anonymous = app.Anonymous();
        var body = JsonSerializer.Serialize(new { message = "hello" });
        var (old, recent, next) = ("msg_" + Guid.NewGuid().ToString("N"), "msg_" + Guid.NewGuid().ToString("N"), "msg_" + Guid.NewGuid().ToString("N"));
        await Json.ReadAsync(await anonymous.SendAsync(Signed(admin.TenantId, secret, body, old)), 200);
        await Json.ReadAsync(await anonymous.SendAsync(Signed(admin.TenantId, secret, body, recent)), 200);

        // One receipt from an hour ago (beyond twice the 5-minute tolerance), one from a minute ago.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
            var receipts = db.Set<InboundWebhookReceipt>().IgnoreQueryFilters().Where(r => r.TenantId == admin.TenantId);
            await receipts.Where(r => r.MessageId == old).ExecuteUpdateAsync(u => u.SetProperty(r => r.ReceivedAt, DateTime.UtcNow.AddHours(-1)));
            await receipts.Where(r => r.MessageId == recent).ExecuteUpdateAsync(u => u.SetProperty(r => r.ReceivedAt, DateTime.UtcNow.AddMinutes(-1)));
        }

        await Json.ReadAsync(await anonymous.SendAsync(Signed(admin.TenantId, secret, body, next)), 200);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
            var kept = await db.Set<InboundWebhookReceipt>().IgnoreQueryFilters().Where(r => r.TenantId == admin.TenantId).Select(r => r.MessageId).ToListAsync();
            Assert.Equal(new[] { next, recent }.Order(StringComparer.Ordinal), kept.Order(StringComparer.Ordinal));
        }

        // The recent receipt still refuses its replay.
        await Json.ReadErrorAsync(await anonymous.SendAsync(Signed(admin.TenantId, secret, body, recent)), 409);
    }

    [Fact]
    public async Task Signed_but_malformed_bodies_are_refused_with_clear_errors()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var secret = await InboundSecretAsync(admin);
        var anonymous = app.Anonymous();
        await Json.ReadErrorAsync(await anonymous.SendAsync(Signed(admin.TenantId, secret, "{\"message\": ")), 400);
        await Json.ReadErrorAsync(await anonymous.SendAsync(Signed(admin.TenantId, secret, "[1,2]")), 422);
        await Json.ReadErrorAsync(await anonymous.SendAsync(Signed(admin.TenantId, secret, "{\"customer_id\": \"x\"}")), 422);
        await Json.ReadErrorAsync(await anonymous.SendAsync(Signed(admin.TenantId, secret, "{\"message\": 5}")), 422);
        await Json.ReadErrorAsync(await anonymous.SendAsync(Signed(admin.TenantId, secret, "{\"message\": \"hi\", \"conversation_id\": \"nope\"}")), 422);
        await Json.ReadErrorAsync(await anonymous.SendAsync(Signed(admin.TenantId, secret, "{\"message\": \"hi\", \"channel\": \"pigeon\"}")), 422);
        await Json.ReadErrorAsync(await anonymous.SendAsync(Signed(admin.TenantId, secret, JsonSerializer.Serialize(new { message = "hi", conversation_id = Guid.NewGuid() }))), 404);
        await Json.ReadErrorAsync(await anonymous.SendAsync(Signed(admin.TenantId, secret, JsonSerializer.Serialize(new { message = new string('a', 70_000) }))), 413);

        // A conversation of a signed-in customer cannot be written into from outside.
        var customer = await app.CreateUserAsync(admin, "user");
        var theirs = await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/chat/process", new { message = "hello" }), 200);
        var intoTheirs = JsonSerializer.Serialize(new { message = "hi", conversation_id = theirs.GetProperty("session_id").GetGuid() });
        await Json.ReadErrorAsync(await anonymous.SendAsync(Signed(admin.TenantId, secret, intoTheirs)), 404);
    }
}

public sealed class SqliteInboundWebhookTests(SqliteApp app) : InboundWebhookTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresInboundWebhookTests(PostgresApp app) : InboundWebhookTests(app), IClassFixture<PostgresApp>;
