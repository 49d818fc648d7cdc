using System.Text;
using Parley.Engine.Redaction.Detectors;
using Parley.Engine.Redaction.Learned;

namespace Parley.Engine.Redaction;

/// <summary>
/// Runs every enabled detector over a message, resolves overlaps and replaces each span.
/// <para>
/// The redacted text carries placeholders (<c>[CREDIT_CARD]</c>), not the masked forms: it is what gets
/// stored, logged and sent to a model, and even masked hints add up (the last four card digits plus an
/// email initial plus a phone ending narrow a person down). A placeholder also tells a model what kind of
/// value stood there. The masked forms go to the <see cref="Redaction"/> list for people who need a hint;
/// <see cref="RedactionOptions.UseMaskedValuesInText"/> switches the text to them for tenants that want it.
/// </para>
/// Thread-safe and meant to be built once per options value and shared.
/// </summary>
public sealed class PiiRedactor
{
    private readonly IPiiDetector[] _detectors;
    private readonly HashSet<string> _disabled;
    private readonly bool _maskInText;

    public PiiRedactor()
        : this(RedactionOptions.Default)
    {
    }

    public PiiRedactor(RedactionOptions options)
        : this(options, EntityTagger.Shipped, DetectorCatalog.DefaultMode)
    {
    }

    /// <summary>With another tagger (one trained on cross-validation folds) or another way of combining it with the rules.</summary>
    internal PiiRedactor(RedactionOptions options, EntityTagger? tagger, LearnedMode mode, TaggerGate? gate = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var enabled = options.EnabledTypes is null ? [.. PiiTypes.OnByDefault] : NormalizeAll(options.EnabledTypes);
        _disabled = NormalizeAll(options.DisabledTypes);
        enabled.ExceptWith(_disabled);
        _detectors = [.. DetectorCatalog.Create(enabled, tagger, mode, gate), .. options.AdditionalDetectors];
        _maskInText = options.UseMaskedValuesInText;
    }

    /// <summary>The spans that would be redacted, after overlap resolution, in order of position.</summary>
    public IReadOnlyList<PiiSpan> FindSpans(string text) => FindSpans(text, null);

    /// <summary>
    /// As <see cref="FindSpans(string)"/>, with phrases that are not personal data wherever they occur (a tenant's
    /// own business names: the hotel or product a customer asks about). See <see cref="ProtectedPhrases"/>.
    /// </summary>
    public IReadOnlyList<PiiSpan> FindSpans(string text, IReadOnlyCollection<string>? protectedPhrases)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return [];
        }

        var candidates = new List<PiiSpan>();
        foreach (var detector in _detectors)
        {
            foreach (var span in detector.Find(text))
            {
                if (span.Start >= 0 && span.End <= text.Length && !_disabled.Contains(span.Type))
                {
                    candidates.Add(span);
                }
            }
        }

        if (protectedPhrases is { Count: > 0 })
        {
            candidates = ProtectedPhrases.Exclude(candidates, text, protectedPhrases);
        }

        return SpanResolver.Resolve(candidates, text);
    }

    public RedactionResult Redact(string text) => Redact(text, null);

    /// <summary>Redacts <paramref name="text"/>, leaving <paramref name="protectedPhrases"/> in it (see <see cref="ProtectedPhrases"/>).</summary>
    public RedactionResult Redact(string text, IReadOnlyCollection<string>? protectedPhrases)
    {
        var spans = FindSpans(text, protectedPhrases);
        if (spans.Count == 0)
        {
            return new RedactionResult(text, []);
        }

        var redactions = new List<Redaction>(spans.Count);
        var output = new StringBuilder(text.Length);
        var position = 0;
        foreach (var span in spans)
        {
            var original = text[span.Start..span.End];
            var masked = Masking.Mask(span.Type, original);
            redactions.Add(new Redaction(span.Type, original, masked, span.Start, span.End));
            output.Append(text, position, span.Start - position);
            output.Append(_maskInText ? masked : $"[{span.Type}]");
            position = span.End;
        }

        output.Append(text, position, text.Length - position);
        return new RedactionResult(output.ToString(), redactions);
    }

    private static HashSet<string> NormalizeAll(IEnumerable<string> names)
    {
        var types = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            types.Add(PiiTypes.Normalize(name)
                ?? throw new ArgumentException($"Unknown PII type '{name}'. Known: {string.Join(", ", PiiTypes.All)}.", nameof(names)));
        }

        return types;
    }
}
