using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Parley.Server.Infrastructure.Events;

namespace Parley.Server.Realtime;

/// <summary>
/// Something that happened in a conversation. Stored messages carry their own sequence number;
/// passing events (typing, presence, tokens) carry the conversation's latest sequence, so a client
/// that reconnects with its last sequence can be sent exactly what it missed from the database.
/// <see cref="StaffOnly"/> events (internal notes) reach only subscribers that said they are agents or admins.
/// </summary>
public sealed record ConversationEvent(Guid TenantId, Guid ConversationId, Guid? OwnerId, int Sequence, string Type, JsonElement Data, DateTime Timestamp, Guid? ActorId = null,
    bool StaffOnly = false)
{
    /// <summary>A stored message as an event, live or replayed from the database.</summary>
    public static ConversationEvent ForMessage(ConversationModel.Message message, Guid? ownerId)
        => new(message.TenantId, message.ConversationId, ownerId, message.Sequence, "message",
            JsonSerializer.SerializeToElement(Conversations.MessageView.From(message), Conversations.TurnPipeline.Json), message.CreatedAt, message.SenderId);
}

/// <summary>
/// Publishes events to this instance's subscribers, and (through <see cref="IEventRelay"/>) to
/// every other instance's. Subscribers get a bounded queue each: one that cannot keep up is
/// told so and dropped, never allowed to grow memory.
/// </summary>
public sealed class ConversationEventHub(IEventRelay relay, ILogger<ConversationEventHub> logger)
{
    public const int SubscriberCapacity = 512;

    private readonly ConcurrentDictionary<Guid, Subscription> _subscriptions = new();

    public async Task PublishAsync(ConversationEvent e, CancellationToken cancellationToken)
    {
        Deliver(e);
        await relay.ForwardAsync(e, cancellationToken);
    }

    /// <summary>Hands an event to local subscribers (also called for events from other instances).</summary>
    public void Deliver(ConversationEvent e)
    {
        // Enumerating the dictionary itself takes no locks (.Values would take all of them).
        foreach (var (_, subscription) in _subscriptions)
        {
            if (subscription.TenantId != e.TenantId || !subscription.Wants(e))
            {
                continue;
            }

            if (!subscription.Queue.Writer.TryWrite(e))
            {
                logger.LogWarning("Subscriber {SubscriptionId} is too slow; disconnecting it", subscription.Id);
                subscription.Overflowed = true;
                subscription.Queue.Writer.TryComplete();
            }
        }
    }

    /// <summary>Subscribes to one conversation, or (conversationId null) to every conversation the filter admits.</summary>
    /// <param name="inline">
    /// The subscriber's reader continues on the publisher's thread, so an event is handled before
    /// <see cref="PublishAsync"/> returns. Only for a reader that does little and never blocks per event.
    /// </param>
    /// <param name="staff">The subscriber is an agent or admin and receives <see cref="ConversationEvent.StaffOnly"/> events; false (a customer) by default.</param>
    public Subscription Subscribe(Guid tenantId, Guid? conversationId, Func<ConversationEvent, bool>? filter = null, bool inline = false, bool staff = false)
    {
        var subscription = new Subscription(this, tenantId, conversationId, filter, inline, staff);
        _subscriptions[subscription.Id] = subscription;
        return subscription;
    }

    public int SubscriberCount => _subscriptions.Count;

    /// <summary>
    /// Whether an event of this tenant would reach anyone: another instance (through the relay) or
    /// a local subscriber of the tenant. Lets publishers skip building events nobody receives.
    /// </summary>
    public bool HasAudience(Guid tenantId)
    {
        if (relay is not LocalOnlyRelay)
        {
            return true;
        }

        foreach (var (_, subscription) in _subscriptions)
        {
            if (subscription.TenantId == tenantId)
            {
                return true;
            }
        }

        return false;
    }

    public sealed class Subscription : IDisposable
    {
        private readonly ConversationEventHub _hub;
        private readonly Guid? _conversationId;
        private readonly Func<ConversationEvent, bool>? _filter;
        private readonly bool _staff;

        internal Subscription(ConversationEventHub hub, Guid tenantId, Guid? conversationId, Func<ConversationEvent, bool>? filter, bool inline, bool staff)
        {
            _staff = staff;
            _hub = hub;
            TenantId = tenantId;
            _conversationId = conversationId;
            _filter = filter;
            Queue = Channel.CreateBounded<ConversationEvent>(
                new BoundedChannelOptions(SubscriberCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait, AllowSynchronousContinuations = inline });
        }

        public Guid Id { get; } = Guid.NewGuid();
        public Guid TenantId { get; }
        public bool Overflowed { get; internal set; }

        public Channel<ConversationEvent> Queue { get; }

        internal bool Wants(ConversationEvent e) => (_staff || !e.StaffOnly) && (_conversationId is null || _conversationId == e.ConversationId) && (_filter?.Invoke(e) ?? true);

        public void Dispose()
        {
            _hub._subscriptions.TryRemove(Id, out _);
            Queue.Writer.TryComplete();
        }
    }
}

/// <summary>
/// Carries events, tenant changes (<see cref="Infrastructure.Caching.TenantChanges"/>) and revocations to
/// the other Parley instances (nothing to do when there is one).
/// </summary>
public interface IEventRelay : Infrastructure.Caching.ITenantChangeRelay
{
    ValueTask ForwardAsync(ConversationEvent e, CancellationToken cancellationToken);

    /// <summary>Tells the other instances to close the sockets of revoked credentials (see <see cref="OpenSockets"/>).</summary>
    ValueTask ForwardRevocationAsync(Revocation revocation, CancellationToken cancellationToken);
}

public sealed class LocalOnlyRelay : IEventRelay
{
    public ValueTask ForwardAsync(ConversationEvent e, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask ForwardTenantChangeAsync(Guid tenantId, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask ForwardRevocationAsync(Revocation revocation, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
