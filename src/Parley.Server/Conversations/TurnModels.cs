using Parley.Server.ConversationModel;
using Parley.Server.Knowledge;
using Parley.Server.Understanding;

namespace Parley.Server.Conversations;

public sealed record TurnResult(
    Conversation Conversation,
    Message UserMessage,
    /// <summary>Null when an agent holds the conversation: the bot stays silent.</summary>
    Message? BotMessage,
    MessageUnderstanding Understanding,
    IReadOnlyList<RedactionView> Redactions,
    Answer Answer,
    bool EscalationNeeded,
    string? EscalationReason,
    bool Cached,
    double ResponseTimeMs)
{
    /// <summary>
    /// This turn handed the conversation to a person (<see cref="EscalationNeeded"/> says whether
    /// the conversation is with or waiting for one after the turn, which stays true afterwards).
    /// </summary>
    public bool EscalatedThisTurn { get; init; }
}
