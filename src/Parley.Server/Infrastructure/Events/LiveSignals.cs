namespace Parley.Server.Infrastructure.Events;

/// <summary>
/// A passing event for whoever watches live (sockets and streams): not stored, it carries the
/// conversation's latest sequence. <see cref="ConversationId"/> <see cref="Guid.Empty"/> is a
/// tenant-wide event; <see cref="At"/> null is now.
/// </summary>
public sealed record LiveSignal(
    Guid TenantId, Guid ConversationId, Guid? OwnerId, int Sequence, string Type, object Data, Guid? ActorId, DateTime? At = null)
{
    /// <summary>The conversation id of an event about the tenant rather than one conversation.</summary>
    public static readonly Guid TenantWide = Guid.Empty;
}

/// <summary>
/// Tells open sockets and streams about something that is not a stored message (a tool result, an
/// assistant's status). Declared here so the features below Realtime need not know it; Realtime
/// implements it. Stored messages go through <see cref="DomainEvents.StoredAsync{TEvent}"/> instead.
/// </summary>
public interface ILiveSignals
{
    Task SignalAsync(LiveSignal signal, CancellationToken cancellationToken);
}
