namespace Parley.Engine.Redaction;

/// <summary>
/// One removed value. <see cref="Start"/> and <see cref="End"/> are offsets in the ORIGINAL text
/// (end exclusive); <see cref="Type"/> uses Presidio's names, <see cref="ApiType"/> the HeliosCS document's.
/// </summary>
public sealed record Redaction(string Type, string Original, string Masked, int Start, int End)
{
    public string ApiType => PiiTypes.ToApiName(Type);
}

/// <summary>The redacted text and what was taken out of it, in order of position.</summary>
public sealed record RedactionResult(string Text, IReadOnlyList<Redaction> Redactions)
{
    public bool HasRedactions => Redactions.Count > 0;
}
