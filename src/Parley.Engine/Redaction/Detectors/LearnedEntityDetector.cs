using Parley.Engine.Redaction.Learned;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// Spans from the learned <see cref="EntityTagger"/> for the enabled types it knows, at a priority per type
/// (<see cref="DetectorCatalog"/>): never above the structured detectors, so every validated or patterned
/// value (card, IBAN, phone, email, labelled postcode) still wins an overlap. When <paramref name="guarded"/>,
/// spans pass <see cref="TaggerGuard"/> and <see cref="TaggerGate"/> first and give way to an address block the rules read whole.
/// </summary>
internal sealed class LearnedEntityDetector(EntityTagger tagger, IReadOnlySet<string> enabledTypes, Func<string, int> priority, bool guarded = false, TaggerGate? gate = null) : IPiiDetector
{
    private static readonly StreetAddressDetector AddressBlocks = new();

    public IEnumerable<PiiSpan> Find(string text)
    {
        var spans = new List<PiiSpan>();
        var threshold = gate ?? TaggerGate.Open;
        foreach (var (type, start, end, _, margin) in tagger.TagScored(text))
        {
            if (!enabledTypes.Contains(type))
            {
                continue;
            }

            if (guarded)
            {
                foreach (var piece in TaggerGuard.Check(text, type, start, end, priority(type)))
                {
                    if (threshold.Passes(text, type, piece.Start, piece.End, margin))
                    {
                        spans.Add(piece);
                    }
                }
            }
            else
            {
                spans.Add(new PiiSpan(type, start, end, priority(type)));
            }
        }

        return guarded && spans.Count > 0 && enabledTypes.Contains(PiiTypes.StreetAddress) ? KeepAddressBlocks(text, spans) : spans;
    }

    /// <summary>
    /// An address the rules read as one block ("221B Baker Street, London NW1 6XE") and the tagger reads in pieces
    /// (street, town, postcode): with all three types on, the pieces stand and whatever of the block they leave
    /// ("6XE") is redacted as part of the address, so nothing leaks; with any of them off, the block stands
    /// whole, as the rules read it.
    /// </summary>
    private List<PiiSpan> KeepAddressBlocks(string text, List<PiiSpan> spans)
    {
        var pieces = enabledTypes.Contains(PiiTypes.ZipCode) && enabledTypes.Contains(PiiTypes.Location);
        foreach (var block in AddressBlocks.Find(text))
        {
            var inside = spans.FindAll(s => s.Type is PiiTypes.StreetAddress or PiiTypes.ZipCode or PiiTypes.Location && s.Start < block.End && block.Start < s.End);
            if (inside.Count == 0)
            {
                continue;
            }

            if (!pieces)
            {
                spans.RemoveAll(inside.Contains);
                continue;
            }

            spans.AddRange(Leftovers(text, block, inside, priority(PiiTypes.StreetAddress)));
        }

        return spans;
    }

    private static IEnumerable<PiiSpan> Leftovers(string text, PiiSpan block, List<PiiSpan> inside, int priority)
    {
        var i = block.Start;
        while (i < block.End)
        {
            if (!char.IsLetterOrDigit(text[i]) || inside.Exists(s => s.Start <= i && i < s.End))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < block.End && !inside.Exists(s => s.Start <= i && i < s.End))
            {
                i++;
            }

            var end = i;
            while (end > start && !char.IsLetterOrDigit(text[end - 1]))
            {
                end--;
            }

            yield return new PiiSpan(PiiTypes.StreetAddress, start, end, priority);
        }
    }
}
