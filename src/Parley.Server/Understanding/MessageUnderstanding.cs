using System.Text.Json.Serialization;

namespace Parley.Server.Understanding;

/// <summary>
/// A PII span found in a customer's message. <c>original</c> goes back only to the sender in the
/// answer to their own request; what is stored (and shown to anyone else) has it set to null.
/// </summary>
public sealed record RedactionView(string Type, string Masked, int[] Position, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Original = null)
{
    public RedactionView WithoutOriginal() => this with { Original = null };
}

public sealed record EntityView(string Type, string Text, object? Value, int Start, int End, double Confidence);

/// <summary>What the engine understood of one (already redacted) message.</summary>
public sealed record MessageUnderstanding(string Intent, double Confidence, IReadOnlyList<(string Intent, double Score)> Ranking, IReadOnlyList<EntityView> Entities, double Sentiment);
