using System.Text.Json.Serialization;

namespace Parley.Server.Conversations;

/// <summary>
/// A PII span found in a customer's message. <c>original</c> goes back only to the sender in the
/// answer to their own request; what is stored (and shown to anyone else) has it set to null.
/// </summary>
public sealed record RedactionView(string Type, string Masked, int[] Position, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Original = null)
{
    public RedactionView WithoutOriginal() => this with { Original = null };
}

public sealed record EntityView(string Type, string Text, object? Value, int Start, int End, double Confidence);

/// <summary>A knowledge passage the answer rests on; ids are stable (source id + chunk id).</summary>
public sealed record CitationView(string Id, string SourceId, string ChunkId, string Source, string Title, string? Url, string Excerpt, double Confidence);

/// <summary>What the engine understood of one (already redacted) message.</summary>
public sealed record Understanding(string Intent, double Confidence, IReadOnlyList<(string Intent, double Score)> Ranking, IReadOnlyList<EntityView> Entities, double Sentiment);

/// <summary>The answer to one turn, before it is stored.</summary>
public sealed record Answer(string Text, double Confidence, IReadOnlyList<CitationView> Citations, string Engine, int TokensUsed, IReadOnlyDictionary<string, object?> Metadata);

public sealed record TurnResult(
    Conversation Conversation,
    Message UserMessage,
    /// <summary>Null when an agent holds the conversation: the bot stays silent.</summary>
    Message? BotMessage,
    Understanding Understanding,
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
