using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Storage;
using Parley.Server.Webhooks;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Webhooks;

/// <summary>
/// Delivery stays fair when a tenant's endpoints are dead: other tenants' deliveries go out promptly,
/// and a dead endpoint is parked by its circuit breaker (its deliveries stay pending) until it recovers.
/// </summary>
public abstract class WebhookFairnessTests(ParleyApp app, WebhookReceiver receiver)
{
    /// <summary>
    /// The shared settings disable an endpoint after 4 failures, which would hide a flood of dead
    /// deliveries within one batch; here endpoints stay enabled and only the circuit breaker acts.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        .. WebhookTestSettings.All,
        new("Parley:Webhooks:DisableAfterConsecutiveFailures", "1000000"),
        new("Parley:Webhooks:CircuitBreakAfterFailures", "3"),
        new("Parley:Webhooks:CircuitOpenSeconds", "2"),
        new("Parley:Webhooks:CircuitMaxOpenSeconds", "30"),
    ];

    [Fact]
    public async Task A_tenant_with_hundreds_of_deliveries_to_hanging_endpoints_does_not_delay_another_tenant()
    {
        var flooder = await app.CreateTenantWithAdminAsync("Flooder");
        var dead = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            var hanging = receiver.Add(new ReceiverScript([200], Stall: true));
            dead.Add((await WebhookTests.SubscribeAsync(flooder, receiver.Url(hanging), "user.created")).Id);
        }

        // 400 deliveries already due (older than anything the other tenant will cause), stored as the outbox stores them.
        await SeedPendingAsync(flooder.TenantId, dead, perEndpoint: 100);

        var bystander = await app.CreateTenantWithAdminAsync("Bystander");
        var healthy = receiver.NewEndpoint(200);
        var (_, secret) = await WebhookTests.SubscribeAsync(bystander, receiver.Url(healthy), "user.created");
        var agent = await app.CreateUserAsync(bystander, "agent");

        // NextAsync allows 20 s: before the fix the worker spent 400 / 16 batches x 3 s timeouts on the dead endpoints first.
        var hook = await healthy.NextAsync();
        WebhookTests.AssertSigned(hook, secret);
        Assert.Equal(agent.Id, hook.Json.GetProperty("data").GetProperty("user_id").GetGuid());

        // The dead endpoints' deliveries are delayed, never dropped.
        foreach (var id in dead)
        {
            var failed = await Json.ReadAsync(await flooder.Client.GetAsync($"/webhooks/{id}/deliveries?filter[status]=failed"), 200);
            Assert.Equal(0, failed.GetProperty("total").GetInt32());
            var pending = await Json.ReadAsync(await flooder.Client.GetAsync($"/webhooks/{id}/deliveries?filter[status]=pending"), 200);
            Assert.Equal(100, pending.GetProperty("total").GetInt32());
        }
    }

    [Fact]
    public async Task A_failing_endpoint_is_parked_by_its_circuit_and_resumes_when_it_recovers()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var endpoint = receiver.NewEndpoint(503);
        var (webhookId, _) = await WebhookTests.SubscribeAsync(admin, receiver.Url(endpoint), "user.created");
        for (var i = 0; i < 3; i++)
        {
            await app.CreateUserAsync(admin, "agent");
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        JsonElement webhook;
        do
        {
            await Task.Delay(50, timeout.Token);
            webhook = await Json.ReadAsync(await admin.Client.GetAsync($"/webhooks/{webhookId}", timeout.Token), 200);
        }
        while (webhook.GetProperty("circuit").GetString() != "open");

        Assert.True(webhook.GetProperty("is_active").GetBoolean());
        Assert.True(webhook.GetProperty("consecutive_failures").GetInt32() >= 3);
        var openUntil = webhook.GetProperty("circuit_open_until").GetDateTime();

        // Parked, not dropped: every delivery is still pending, its next attempt no earlier than the
        // circuit's end. An attempt still in flight when the circuit opened records its outcome
        // afterwards and is parked then, so read again until those have settled.
        while (true)
        {
            var pending = await Json.ReadAsync(await admin.Client.GetAsync($"/webhooks/{webhookId}/deliveries?filter[status]=pending", timeout.Token), 200);
            Assert.Equal(3, pending.GetProperty("total").GetInt32());
            var items = pending.GetProperty("items").EnumerateArray().ToList();
            Assert.All(items, d => Assert.Equal(JsonValueKind.Null, d.GetProperty("completed_at").ValueKind));
            var early = items.Where(d => d.GetProperty("next_attempt_at").ValueKind != JsonValueKind.Null && d.GetProperty("attempts").GetInt32() > 0
                && d.GetProperty("next_attempt_at").GetDateTime() < openUntil.AddMilliseconds(-1)).ToList();
            if (early.Count == 0)
            {
                break;
            }

            Assert.False(timeout.IsCancellationRequested, $"not parked: {early[0]} (circuit open until {openUntil:O})");
            await Task.Delay(50, timeout.Token);
        }

        // The endpoint recovers: the next probe after the cool-off succeeds, the circuit closes and everything parked goes out.
        endpoint.Script = new ReceiverScript([200]);
        var delivered = 0;
        while (delivered < 3)
        {
            await Task.Delay(100, timeout.Token);
            var succeeded = await Json.ReadAsync(await admin.Client.GetAsync($"/webhooks/{webhookId}/deliveries?filter[status]=succeeded", timeout.Token), 200);
            delivered = succeeded.GetProperty("total").GetInt32();
        }

        webhook = await Json.ReadAsync(await admin.Client.GetAsync($"/webhooks/{webhookId}"), 200);
        Assert.Equal("closed", webhook.GetProperty("circuit").GetString());
        Assert.Equal(JsonValueKind.Null, webhook.GetProperty("circuit_open_until").ValueKind);
        Assert.Equal(0, webhook.GetProperty("consecutive_failures").GetInt32());
        Assert.Equal("active", webhook.GetProperty("status").GetString());
    }

    private async Task SeedPendingAsync(Guid tenantId, IReadOnlyList<Guid> webhookIds, int perEndpoint)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        var at = DateTimeOffset.UtcNow.AddMinutes(-10);
        foreach (var webhookId in webhookIds)
        {
            for (var i = 0; i < perEndpoint; i++)
            {
                var id = Guid.CreateVersion7();
                db.Add(new WebhookDelivery
                {
                    Id = id,
                    TenantId = tenantId,
                    WebhookId = webhookId,
                    EventId = "msg_" + id.ToString("N"),
                    EventType = "user.created",
                    Payload = WebhookOutbox.Payload("user.created", at, new { user_id = Guid.NewGuid() }),
                    NextAttemptAt = at.UtcDateTime,
                    CreatedAt = at.UtcDateTime,
                });
            }
        }

        await db.SaveChangesAsync();
        scope.ServiceProvider.GetRequiredService<WebhookSignal>().Wake();
    }
}

public sealed class WebhookFairnessSqliteApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => WebhookFairnessTests.Settings;
}

public sealed class WebhookFairnessPostgresApp : ParleyApp
{
    public WebhookFairnessPostgresApp() => ConnectionString = PostgresDatabases.Create();

    public string ConnectionString { get; }

    protected override IEnumerable<KeyValuePair<string, string?>> Settings()
        => [.. WebhookFairnessTests.Settings, new("Parley:Database:Postgres", ConnectionString)];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        PostgresDatabases.Drop(ConnectionString);
    }
}

public sealed class SqliteWebhookFairnessTests(WebhookFairnessSqliteApp app, WebhookReceiverFixture receiver)
    : WebhookFairnessTests(app, receiver.Receiver), IClassFixture<WebhookFairnessSqliteApp>, IClassFixture<WebhookReceiverFixture>;

public sealed class PostgresWebhookFairnessTests(WebhookFairnessPostgresApp app, WebhookReceiverFixture receiver)
    : WebhookFairnessTests(app, receiver.Receiver), IClassFixture<WebhookFairnessPostgresApp>, IClassFixture<WebhookReceiverFixture>;
