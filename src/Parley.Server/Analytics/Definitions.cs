using System.Linq.Expressions;
using Parley.Server.ConversationModel;
using Parley.Server.Conversations;
using Parley.Server.Storage;

namespace Parley.Server.Analytics;

/// <summary>
/// The definitions docs/analytics.md states, written once for the rollup and for analysis tasks.
/// A conversation is <b>escalated</b> when a human was involved or asked for: its status is
/// escalated, an agent wrote in it, or the turn pipeline decided to escalate (the bot message's
/// metadata says <c>"escalation_needed":true</c>). Ending it later does not undo that.
/// </summary>
public static class Definitions
{
    public const string EscalationMarker = "\"escalation_needed\":true";

    public static Expression<Func<Conversation, bool>> Escalated(ParleyDb db)
        => c => c.Status == ConversationStatus.Escalated
            || db.Set<Message>().Any(m => m.ConversationId == c.Id
                && (m.MessageType == MessageTypes.Agent || (m.MessageType == MessageTypes.Bot && m.Metadata.Contains(EscalationMarker))));

    public static Expression<Func<Conversation, bool>> NotEscalated(ParleyDb db)
        => c => c.Status != ConversationStatus.Escalated
            && !db.Set<Message>().Any(m => m.ConversationId == c.Id
                && (m.MessageType == MessageTypes.Agent || (m.MessageType == MessageTypes.Bot && m.Metadata.Contains(EscalationMarker))));
}
