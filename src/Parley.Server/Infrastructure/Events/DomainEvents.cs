using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Parley.Server.Storage;

namespace Parley.Server.Infrastructure.Events;

/// <summary>
/// Something that happened in a tenant, as webhooks and notifications see it. <see cref="OwnerUserId"/>
/// is the user the resource belongs to (a conversation's customer, a ticket's customer, a task's
/// submitter...): a plain user's webhooks hear only events they own.
/// </summary>
public sealed record DomainEvent(Guid Id, Guid TenantId, string Type, object Data, DateTimeOffset OccurredAt, Guid? OwnerUserId = null);

/// <summary>The event names webhook subscribers choose from (the Customer Care AI and AI Assistant Platform documents).</summary>
public static class EventTypes
{
    public const string ConversationCreated = "conversation.created";
    public const string ConversationUpdated = "conversation.updated";
    public const string ConversationEnded = "conversation.ended";
    public const string MessageReceived = "message.received";
    public const string AssistantStatusChanged = "assistant.status_changed";
    public const string UserCreated = "user.created";
    public const string UserUpdated = "user.updated";
    public const string TicketCreated = "ticket.created";
    public const string TicketUpdated = "ticket.updated";
    public const string TaskCompleted = "task.completed";
    public const string Error = "error";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        ConversationCreated, ConversationUpdated, ConversationEnded, MessageReceived, AssistantStatusChanged,
        UserCreated, UserUpdated, TicketCreated, TicketUpdated, TaskCompleted, Error,
    };
}

/// <summary>
/// Turns an event into rows in the caller's unit of work (a webhook outbox entry, a notification),
/// so the event is stored in the same transaction as the change that caused it, or not at all.
/// </summary>
public interface IDomainEventSink
{
    ValueTask AddAsync(ParleyDb db, DomainEvent domainEvent, CancellationToken cancellationToken);
}

/// <summary>
/// In-process work that follows a stored unit of work (a cache, a counter, a live fan-out), for an
/// event type a feature publishes with <see cref="DomainEvents.StoredAsync{TEvent}"/>. Handlers are
/// singletons and run in registration order, awaited by the publisher.
/// </summary>
public interface IStoredEventHandler<in TEvent>
{
    ValueTask HandleAsync(TEvent stored, CancellationToken cancellationToken);
}

/// <summary>
/// Raise an event while building a unit of work, then save it: <c>await events.RaiseAsync(db, ...);
/// await db.SaveChangesAsync();</c>. With no sinks registered, raising costs nothing. Once the unit is
/// stored, <c>await events.StoredAsync(new SomethingStored(...))</c> tells the in-process handlers;
/// a unit whose save failed has thrown before that line, so they never hear of it (the same
/// promise as <see cref="ParleyDb.AfterSave"/>).
/// </summary>
public sealed class DomainEvents(IEnumerable<IDomainEventSink> sinks, IServiceProvider services, TimeProvider clock)
{
    private readonly IDomainEventSink[] _sinks = sinks.ToArray();
    private readonly ConcurrentDictionary<Type, object> _handlers = new();

    /// <summary>Runs every <see cref="IStoredEventHandler{TEvent}"/> of <typeparamref name="TEvent"/>, in registration order.</summary>
    public async ValueTask StoredAsync<TEvent>(TEvent stored, CancellationToken cancellationToken)
    {
        var handlers = (IStoredEventHandler<TEvent>[])_handlers.GetOrAdd(typeof(TEvent),
            _ => services.GetServices<IStoredEventHandler<TEvent>>().ToArray());
        foreach (var handler in handlers)
        {
            await handler.HandleAsync(stored, cancellationToken);
        }
    }

    public ValueTask RaiseAsync(ParleyDb db, Guid tenantId, string type, object data, CancellationToken cancellationToken)
        => RaiseAsync(db, tenantId, type, data, null, cancellationToken);

    /// <summary>An event about a resource owned by <paramref name="ownerUserId"/> (null: a tenant-wide event).</summary>
    public async ValueTask RaiseAsync(ParleyDb db, Guid tenantId, string type, object data, Guid? ownerUserId, CancellationToken cancellationToken)
    {
        if (_sinks.Length == 0)
        {
            return;
        }

        var domainEvent = new DomainEvent(Guid.NewGuid(), tenantId, type, data, clock.GetUtcNow(), ownerUserId);
        foreach (var sink in _sinks)
        {
            await sink.AddAsync(db, domainEvent, cancellationToken);
        }
    }
}

public static class EventsSetup
{
    public static WebApplicationBuilder AddParleyEvents(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DomainEvents>();
        return builder;
    }
}
