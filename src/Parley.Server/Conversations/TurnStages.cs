using Parley.Server.ConversationModel;
using Parley.Server.Infrastructure.Events;
using Parley.Server.Plans;

namespace Parley.Server.Conversations;

/// <summary>
/// The escalation stage's side effects, for the feature that takes a conversation to a person
/// (Handoff): inside the turn's unit of work, mark the conversation escalated, open its ticket and
/// raise <c>conversation.updated</c>. Declared here so the turn needs no reference to that feature.
/// </summary>
public interface ITurnEscalation
{
    Task EscalateAsync(Conversation conversation, string previousStatus, string? reason, string lastCustomerMessage, CancellationToken cancellationToken);
}

/// <summary>
/// A turn's messages are stored (published through <see cref="DomainEvents.StoredAsync{TEvent}"/>
/// after the save, never for a failed one). Webhooks and notifications already have their rows in
/// the same transaction (<c>message.received</c>); in-process work follows from this event: the
/// recent-message cache, usage counting and metrics here, the realtime fan-out in Realtime.
/// </summary>
public sealed record TurnStored(TurnResult Turn);

/// <summary>A message stored outside a turn (<c>POST /messages</c>): the realtime fan-out in Realtime follows from it.</summary>
public sealed record MessageStored(Conversation Conversation, Message Message);

/// <summary>The answered turn's messages join the recent-message cache the next turn's prompt reads.</summary>
public sealed class RecentMessagesOnTurnStored(RecentMessages recent) : IStoredEventHandler<TurnStored>
{
    public ValueTask HandleAsync(TurnStored stored, CancellationToken cancellationToken)
    {
        if (stored.Turn is { BotMessage: { } bot } turn)
        {
            recent.Append(turn.Conversation.Id, turn.UserMessage.Sequence - 1, turn.UserMessage, bot);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>An answered turn counts one message against the tenant's plan (a turn an agent holds does not).</summary>
public sealed class UsageOnTurnStored(UsageMeter usage) : IStoredEventHandler<TurnStored>
{
    public ValueTask HandleAsync(TurnStored stored, CancellationToken cancellationToken)
        => stored.Turn.BotMessage is null
            ? ValueTask.CompletedTask
            : usage.CountAsync(stored.Turn.Conversation.TenantId, stored.Turn.UserMessage.SenderId, UsageMetrics.Messages, 1, cancellationToken);
}

/// <summary>An answered turn is counted and timed on /metrics.</summary>
public sealed class MetricsOnTurnStored(ChatMetrics metrics) : IStoredEventHandler<TurnStored>
{
    public ValueTask HandleAsync(TurnStored stored, CancellationToken cancellationToken)
    {
        if (stored.Turn.BotMessage is not null)
        {
            var turn = stored.Turn;
            metrics.Turn(turn.Answer.Engine, turn.EscalatedThisTurn, turn.Cached, turn.ResponseTimeMs / 1000);
        }

        return ValueTask.CompletedTask;
    }
}
