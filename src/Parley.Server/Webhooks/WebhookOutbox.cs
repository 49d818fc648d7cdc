using System.Text.Json;
using Parley.Server.Infrastructure.Events;
using Parley.Server.Storage;

namespace Parley.Server.Webhooks;

/// <summary>
/// The domain-event sink of webhooks: one outbox row per active endpoint subscribed to the event,
/// added to the caller's unit of work so the delivery exists exactly when the change does.
/// </summary>
public sealed class WebhookOutbox(WebhookSubscriptions subscriptions, WebhookSignal signal) : IDomainEventSink
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async ValueTask AddAsync(ParleyDb db, DomainEvent domainEvent, CancellationToken cancellationToken)
    {
        if (!EventTypes.All.Contains(domainEvent.Type))
        {
            return;
        }

        var wanted = (await subscriptions.ForTenantAsync(db, domainEvent.TenantId, cancellationToken))
            .Where(s => s.Events.Contains(domainEvent.Type) && (s.OwnerUserId is null || s.OwnerUserId == domainEvent.OwnerUserId))
            .ToList();
        if (wanted.Count == 0)
        {
            return;
        }

        var payload = Payload(domainEvent.Type, domainEvent.OccurredAt, domainEvent.Data);
        var now = domainEvent.OccurredAt.UtcDateTime;
        foreach (var subscription in wanted)
        {
            db.Add(new WebhookDelivery
            {
                Id = Guid.CreateVersion7(),
                TenantId = domainEvent.TenantId,
                WebhookId = subscription.WebhookId,
                EventId = "msg_" + domainEvent.Id.ToString("N"),
                EventType = domainEvent.Type,
                Payload = payload,
                NextAttemptAt = now,
                CreatedAt = now,
            });
        }

        db.AfterSave(signal.Wake);
    }

    /// <summary>The Customer Care AI and AI Assistant Platform documents' payload: <c>{event, timestamp, data}</c>.</summary>
    public static string Payload(string type, DateTimeOffset at, object data)
        => JsonSerializer.Serialize(new { @event = type, timestamp = at.UtcDateTime, data }, Json);
}

/// <summary>Wakes the local worker when new deliveries were stored, instead of waiting for its next poll.</summary>
public sealed class WebhookSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _signal.Dispose();
}
