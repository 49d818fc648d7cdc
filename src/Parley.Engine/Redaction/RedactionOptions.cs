namespace Parley.Engine.Redaction;

/// <summary>
/// Per-tenant redaction settings. Everything is on by default: a tenant turns a type off (for example
/// <c>PERSON</c>, the least precise detector) rather than remembering to turn new types on.
/// </summary>
public sealed record RedactionOptions
{
    public static RedactionOptions Default { get; } = new();

    /// <summary>
    /// Types to redact, in Presidio or HeliosCS naming; null means <see cref="PiiTypes.OnByDefault"/> (all but ORGANIZATION).
    /// Unknown names are rejected by <see cref="PiiRedactor"/> so a typo cannot silently disable redaction.
    /// </summary>
    public IReadOnlyCollection<string>? EnabledTypes { get; init; }

    /// <summary>Types never redacted, applied after <see cref="EnabledTypes"/>.</summary>
    public IReadOnlyCollection<string> DisabledTypes { get; init; } = [];

    /// <summary>
    /// Replace values with the masked form (<c>****-****-****-3456</c>) instead of a placeholder
    /// (<c>[CREDIT_CARD]</c>). Off by default: see <see cref="PiiRedactor"/> for why.
    /// </summary>
    public bool UseMaskedValuesInText { get; init; }

    /// <summary>Extra detectors, e.g. a tenant's customer-number format.</summary>
    public IReadOnlyList<IPiiDetector> AdditionalDetectors { get; init; } = [];
}
