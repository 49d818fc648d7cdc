using Parley.Server.Knowledge;

namespace Parley.Server.ConversationModel;

/// <summary>The answer to one turn, before it is stored.</summary>
public sealed record Answer(string Text, double Confidence, IReadOnlyList<CitationView> Citations, string Engine, int TokensUsed, IReadOnlyDictionary<string, object?> Metadata)
{
    /// <summary>The <see cref="Engine"/> of answers made without an LLM (the built-in engine, a tool route).</summary>
    public const string BuiltInEngine = "built-in";
}
