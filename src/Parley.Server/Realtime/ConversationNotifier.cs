using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Parley.Server.ConversationModel;
using Parley.Server.Conversations;
using Parley.Server.Infrastructure.Events;

namespace Parley.Server.Realtime;

/// <summary>Turns stored changes and passing signals into <see cref="ConversationEvent"/>s for every instance's subscribers.</summary>
public sealed class ConversationNotifier(ConversationEventHub hub, IOptions<JsonOptions> json, TimeProvider clock)
    : IStoredEventHandler<TurnStored>, IStoredEventHandler<MessageStored>, ILiveSignals
{
    public Task MessageStoredAsync(Conversation conversation, Message message, CancellationToken cancellationToken)
        => hub.PublishAsync(ConversationEvent.ForMessage(message, conversation.UserId), cancellationToken);

    /// <summary>A passing event (typing, presence, escalation): not stored, carries the latest sequence.</summary>
    public Task SignalAsync(Conversation conversation, string type, object data, Guid? actorId, CancellationToken cancellationToken)
        => hub.PublishAsync(new ConversationEvent(conversation.TenantId, conversation.Id, conversation.UserId, conversation.LastSequence, type,
            JsonSerializer.SerializeToElement(data, json.Value.SerializerOptions), clock.GetUtcNow().UtcDateTime, actorId), cancellationToken);

    public Task SignalAsync(LiveSignal signal, CancellationToken cancellationToken)
        => hub.PublishAsync(new ConversationEvent(signal.TenantId, signal.ConversationId, signal.OwnerId, signal.Sequence, signal.Type,
            JsonSerializer.SerializeToElement(signal.Data, json.Value.SerializerOptions), signal.At ?? clock.GetUtcNow().UtcDateTime, signal.ActorId), cancellationToken);

    public async ValueTask HandleAsync(MessageStored stored, CancellationToken cancellationToken)
        => await MessageStoredAsync(stored.Conversation, stored.Message, cancellationToken);

    /// <summary>A stored turn reaches every open surface: its messages, and the escalation it caused.</summary>
    public async ValueTask HandleAsync(TurnStored stored, CancellationToken cancellationToken)
    {
        var turn = stored.Turn;
        if (!hub.HasAudience(turn.Conversation.TenantId))
        {
            return;
        }

        await MessageStoredAsync(turn.Conversation, turn.UserMessage, cancellationToken);
        if (turn.BotMessage is not null)
        {
            await MessageStoredAsync(turn.Conversation, turn.BotMessage, cancellationToken);
        }

        if (turn.EscalatedThisTurn)
        {
            await SignalAsync(turn.Conversation, "escalation",
                new { conversation_id = turn.Conversation.Id, status = turn.Conversation.Status, reason = turn.EscalationReason }, null, cancellationToken);
        }
    }
}
