namespace Parley.Engine.Redaction;

/// <summary>
/// Phrases that are not personal data wherever they occur: a tenant's own business names (the hotel,
/// restaurant or product its knowledge sources are about). A customer who writes "we are staying at the
/// Grant Hotel" names the business, not a person, and a later turn needs that name to know what it asks
/// about. Only guesses give way: a span of a name, place, address or organisation (priority below
/// <see cref="PiiPriority.Weak"/>) loses the part a protected phrase covers and keeps the rest, so
/// "John Smith at the Grant Hotel" still loses "John Smith". Card numbers, emails and other patterned
/// values are never protected. Phrases match whole words, ignoring case.
/// </summary>
public static class ProtectedPhrases
{
    public static List<PiiSpan> Exclude(List<PiiSpan> candidates, string text, IReadOnlyCollection<string> phrases)
    {
        var covered = Occurrences(text, phrases);
        if (covered.Count == 0)
        {
            return candidates;
        }

        var kept = new List<PiiSpan>(candidates.Count);
        foreach (var span in candidates)
        {
            if (span.Priority >= PiiPriority.Weak || !covered.Exists(c => c.Start < span.End && span.Start < c.End))
            {
                kept.Add(span);
                continue;
            }

            var start = span.Start;
            foreach (var (from, to) in covered.Where(c => c.Start < span.End && span.Start < c.End).OrderBy(c => c.Start))
            {
                AddPiece(kept, span, text, start, Math.Min(from, span.End));
                start = Math.Max(start, to);
            }

            AddPiece(kept, span, text, start, span.End);
        }

        return kept;
    }

    /// <summary>Where the phrases occur as whole words, longest first so "Grant Hotel Spa" is not cut at "Grant Hotel".</summary>
    public static List<(int Start, int End)> Occurrences(string text, IReadOnlyCollection<string> phrases)
    {
        var found = new List<(int Start, int End)>();
        foreach (var phrase in phrases.Select(p => p.Trim()).Where(p => p.Length >= 2).Distinct(StringComparer.OrdinalIgnoreCase).OrderByDescending(p => p.Length))
        {
            for (var at = text.IndexOf(phrase, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(phrase, at + 1, StringComparison.OrdinalIgnoreCase))
            {
                var end = at + phrase.Length;
                if ((at == 0 || !char.IsLetterOrDigit(text[at - 1])) && (end == text.Length || !char.IsLetterOrDigit(text[end])))
                {
                    found.Add((at, end));
                }
            }
        }

        return found;
    }

    private static void AddPiece(List<PiiSpan> kept, PiiSpan span, string text, int start, int end)
    {
        if (end <= start)
        {
            return;
        }

        while (start < end && !char.IsLetterOrDigit(text[start]))
        {
            start++;
        }

        while (end > start && !char.IsLetterOrDigit(text[end - 1]) && text[end - 1] != '.')
        {
            end--;
        }

        // What is left must be more than the function words around the phrase ("the", "at the").
        var words = text[start..end].Split((char[])[' ', '\t', '\n', '\r', ','], StringSplitOptions.RemoveEmptyEntries);
        if (words.Any(w => !Detectors.CommonWords.IsStopWord(w.Trim('.', ':', ';'))))
        {
            kept.Add(span with { Start = start, End = end });
        }
    }
}
