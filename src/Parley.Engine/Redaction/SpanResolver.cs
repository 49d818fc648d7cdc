namespace Parley.Engine.Redaction;

/// <summary>
/// Picks non-overlapping spans: the highest priority wins, then the longest, then the earliest. Priority
/// comes first because a validated card number must not lose to a longer but vaguer guess that runs over
/// it; among equals the longer span hides more, which is the safer error.
/// <para>
/// A multi-token guess (an address, a name) that overlaps a stronger span only at one end is cut back
/// rather than dropped: an address block whose last line is a phone number keeps its street lines.
/// </para>
/// </summary>
public static class SpanResolver
{
    public static List<PiiSpan> Resolve(IEnumerable<PiiSpan> candidates, string? text = null)
    {
        var ordered = candidates
            .Where(s => s.End > s.Start)
            .OrderByDescending(s => s.Priority)
            .ThenByDescending(s => s.Length)
            .ThenBy(s => s.Start)
            .ToList();

        var kept = new List<PiiSpan>(ordered.Count);
        foreach (var candidate in ordered)
        {
            var span = candidate;
            if (span.Priority <= PiiPriority.Heuristic)
            {
                span = CutBack(span, kept, text);
            }

            if (span.End > span.Start && !kept.Exists(k => k.Overlaps(span)))
            {
                kept.Add(span);
            }
        }

        kept.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        return kept;
    }

    /// <summary>Shortens <paramref name="span"/> to end before the first kept span that starts inside it.</summary>
    private static PiiSpan CutBack(PiiSpan span, List<PiiSpan> kept, string? text)
    {
        var original = span;
        foreach (var other in kept)
        {
            if (other.Overlaps(span) && other.Start > span.Start && other.End >= span.End - 1)
            {
                var end = other.Start;
                while (text is not null && end > span.Start && (char.IsWhiteSpace(text[end - 1]) || text[end - 1] is ',' or '>' or '?' or '-'))
                {
                    end--;
                }

                span = span with { End = end };
            }
        }

        return span == original || (span.Length >= 3 && !OnlyLabelWords(span, text)) ? span : span with { End = span.Start };
    }

    /// <summary>
    /// "send the refund to IBAN GB33..." starts an address phrase that the IBAN cuts back to the word "IBAN":
    /// what is left of a cut-back guess is kept only if it has something besides label and function words.
    /// </summary>
    private static bool OnlyLabelWords(PiiSpan span, string? text)
    {
        if (text is null)
        {
            return false;
        }

        foreach (var word in text.AsSpan(span.Start, span.Length).Split(' '))
        {
            var trimmed = text.AsSpan(span.Start, span.Length)[word].Trim(" \t\r\n,.:;#");
            if (trimmed.Length > 0 && !Detectors.CommonWords.IsStopWord(trimmed))
            {
                return false;
            }
        }

        return true;
    }
}
