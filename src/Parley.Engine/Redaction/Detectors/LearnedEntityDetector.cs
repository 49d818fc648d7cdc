using Parley.Engine.Redaction.Learned;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// Spans from the learned <see cref="EntityTagger"/> for the enabled types it knows, at a priority per type
/// (<see cref="DetectorCatalog"/>): never above the structured detectors, so every validated or patterned
/// value (card, IBAN, phone, email, labelled postcode) still wins an overlap.
/// <para>
/// With <paramref name="guard"/> the spans pass general checks first (none fitted to particular strings):
/// a label is never the value (a span reaching a colon keeps only what follows it: "DOB:", "mail:",
/// "Name:"); a name or place neither begins with an ordinary English word nor ends with a stop word
/// (<see cref="CommonWords"/>: "Dear Mrs", "March"); a span made only of ordinary words and digits is
/// dropped ("in Room 4"); and the tagger must prefer the type over "outside" by at least the type's
/// minimum margin (chosen by cross-validation on half A, docs/quality.md).
/// </para>
/// </summary>
internal sealed class LearnedEntityDetector(EntityTagger tagger, IReadOnlySet<string> enabledTypes, Func<string, int> priority, TaggerGuard? guard = null) : IPiiDetector
{
    private static readonly StreetAddressDetector AddressBlocks = new();

    public IEnumerable<PiiSpan> Find(string text)
    {
        var spans = new List<PiiSpan>();
        foreach (var span in tagger.TagScored(text))
        {
            if (!enabledTypes.Contains(span.Type))
            {
                continue;
            }

            if (guard is null)
            {
                spans.Add(new PiiSpan(span.Type, span.Start, span.End, priority(span.Type)));
            }
            else if (guard.Check(text, span) is { } kept)
            {
                spans.Add(new PiiSpan(kept.Type, kept.Start, kept.End, priority(kept.Type)));
            }
        }

        return guard is null || spans.Count < 2 ? spans : KeepAddressBlocks(text, spans);
    }

    /// <summary>
    /// An address the rules read as one block ("221B Baker Street, London NW1 6XE") is one span when the
    /// tagger's pieces of it (street, town, postcode) would leave part of it in the text ("6XE") or cut one
    /// street in two ("50668" | "Kiannonkatu 98"): the pieces give way to the block. Pieces of different
    /// types that cover the whole block are kept; each gets its own placeholder and nothing leaks.
    /// </summary>
    private static List<PiiSpan> KeepAddressBlocks(string text, List<PiiSpan> spans)
    {
        foreach (var block in AddressBlocks.Find(text))
        {
            var inside = spans.FindAll(s => s.Type is PiiTypes.StreetAddress or PiiTypes.ZipCode or PiiTypes.Location && s.Start >= block.Start && s.End <= block.End);
            if (inside.Count >= 2 && (LeavesSomething(text, block, inside) || SplitsOneStreet(text, inside)))
            {
                spans.RemoveAll(inside.Contains);
            }
        }

        return spans;
    }

    private static bool LeavesSomething(string text, PiiSpan block, List<PiiSpan> inside)
    {
        for (var i = block.Start; i < block.End; i++)
        {
            if (char.IsLetterOrDigit(text[i]) && !inside.Exists(s => s.Start <= i && i < s.End))
            {
                return true;
            }
        }

        return false;
    }

    private static bool SplitsOneStreet(string text, List<PiiSpan> inside)
    {
        inside.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        for (var k = 1; k < inside.Count; k++)
        {
            var (a, b) = (inside[k - 1], inside[k]);
            if (a.Type == b.Type && a.Type == PiiTypes.StreetAddress && b.Start > a.End && text.AsSpan(a.End, b.Start - a.End).Trim(' ').IsEmpty)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>The general checks <see cref="LearnedEntityDetector"/> applies to tagger spans in the product.</summary>
internal sealed record TaggerGuard(IReadOnlyDictionary<string, float> MinimumMargin)
{
    public TaggedSpan? Check(string text, TaggedSpan span)
    {
        if (span.Margin < MinimumMargin.GetValueOrDefault(span.Type))
        {
            return null;
        }

        var (start, end) = AfterLabel(text, span.Start, span.End);
        end = SentenceEnd(text, start, end);
        var words = Words(text, start, end);
        if (words.Count == 0)
        {
            return null;
        }

        if (span.Type is PiiTypes.Person or PiiTypes.Location)
        {
            var first = 0;
            var last = words.Count - 1;
            // "Dear Mrs", "March": an ordinary word does not begin a name; a place may begin with one ("New Zealand").
            while (first <= last && (span.Type == PiiTypes.Person ? CommonWords.IsCommonWord(Word(text, words[first])) : CommonWords.IsStopWord(Word(text, words[first]))))
            {
                first++;
            }

            while (last >= first && CommonWords.IsStopWord(Word(text, words[last])))
            {
                last--;
            }

            // A name is capitalised: "tried Chrome" is at most "Chrome".
            while (span.Type == PiiTypes.Person && first <= last && char.IsLower(text[words[first].Start]))
            {
                first++;
            }

            while (span.Type == PiiTypes.Person && last >= first && char.IsLower(text[words[last].Start]))
            {
                last--;
            }

            if (first > last)
            {
                return null;
            }

            // One capitalised word is as often a product ("Safari", "Excel") as a name; alone it needs an
            // honorific before it ("Mrs. Labrie"). The rules' cues find the other single names.
            if (span.Type == PiiTypes.Person && first == last && !AfterHonorific(text, words[first].Start))
            {
                return null;
            }

            if (first > 0 || last < words.Count - 1)
            {
                (start, end) = (words[first].Start, words[last].End);
            }
        }
        else if (span.Type == PiiTypes.Organization && words.TrueForAll(w => IsOrdinary(Word(text, w))))
        {
            return null;
        }

        return span with { Start = start, End = end };
    }

    /// <summary>"DOB: 01/02/1980", "Name: Jo": a colon inside the span, or right after it, ends a label; the value is what follows.</summary>
    private static (int Start, int End) AfterLabel(string text, int start, int end)
    {
        var after = end;
        while (after < text.Length && text[after] is ' ' or '\t')
        {
            after++;
        }

        var limit = after < text.Length && text[after] == ':' ? after + 1 : end;
        var colon = text.LastIndexOf(':', limit - 1, limit - start);
        if (colon < 0 || !IsLabel(text, start, colon))
        {
            return (start, end);
        }

        var next = colon + 1;
        while (next < end && char.IsWhiteSpace(text[next]))
        {
            next++;
        }

        return (next, Math.Max(next, end));
    }

    private static readonly HashSet<string> Honorifics = new(
        ["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "dame", "lady", "lord"], StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> HonorificLookup = Honorifics.GetAlternateLookup<ReadOnlySpan<char>>();

    private static bool AfterHonorific(string text, int start)
    {
        var end = start;
        while (end > 0 && (char.IsWhiteSpace(text[end - 1]) || text[end - 1] == '.'))
        {
            end--;
        }

        var begin = end;
        while (begin > 0 && char.IsLetter(text[begin - 1]))
        {
            begin--;
        }

        return end > begin && end < start && HonorificLookup.Contains(text.AsSpan(begin, end - begin));
    }

    /// <summary>
    /// The word before a colon is a label when it is an ordinary word ("Name:", "mail:", "Where:") or a short
    /// acronym ("DOB:", "SSN:"); a name before a colon ("Alice: Who are you?") is a speaker, and stays.
    /// </summary>
    private static bool IsLabel(string text, int start, int colon)
    {
        var end = colon;
        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        var begin = end;
        while (begin > start && char.IsLetter(text[begin - 1]))
        {
            begin--;
        }

        var word = text.AsSpan(begin, end - begin);
        if (word.IsEmpty)
        {
            return false;
        }

        var acronym = word.Length <= 4;
        foreach (var c in word)
        {
            acronym &= char.IsUpper(c);
        }

        return acronym || CommonWords.IsCommonWord(word);
    }

    /// <summary>"42 Elm Street, Springfield. Thanks": a span ends with its sentence when the next one starts with an ordinary word.</summary>
    private static int SentenceEnd(string text, int start, int end)
    {
        for (var i = start; i < end - 2; i++)
        {
            if (text[i] is '.' or '!' or '?' && char.IsWhiteSpace(text[i + 1]) && WordBefore(text, start, i) >= 3)
            {
                var w = i + 1;
                while (w < end && char.IsWhiteSpace(text[w]))
                {
                    w++;
                }

                var e = w;
                while (e < end && char.IsLetter(text[e]))
                {
                    e++;
                }

                if (e > w && CommonWords.IsStopWord(text.AsSpan(w, e - w)))
                {
                    return i;
                }
            }
        }

        return end;
    }

    /// <summary>Letters in the word ending at <paramref name="end"/>: "P.O. Box" is no sentence end, "Springfield. Thanks" is.</summary>
    private static int WordBefore(string text, int start, int end)
    {
        var begin = end;
        while (begin > start && char.IsLetter(text[begin - 1]))
        {
            begin--;
        }

        return end - begin;
    }

    private static List<(int Start, int End)> Words(string text, int start, int end)
    {
        var words = new List<(int Start, int End)>();
        for (var i = start; i < end;)
        {
            if (!char.IsLetterOrDigit(text[i]))
            {
                i++;
                continue;
            }

            var j = i;
            while (j < end && (char.IsLetterOrDigit(text[j]) || text[j] is '\'' or '-' or '.'))
            {
                j++;
            }

            while (j > i + 1 && text[j - 1] is '.' or '\'' or '-')
            {
                j--;
            }

            words.Add((i, j));
            i = j + 1;
        }

        return words;
    }

    private static ReadOnlySpan<char> Word(string text, (int Start, int End) word) => text.AsSpan(word.Start, word.End - word.Start).TrimEnd('.');

    private static bool IsOrdinary(ReadOnlySpan<char> word)
    {
        foreach (var c in word)
        {
            if (!char.IsDigit(c))
            {
                return CommonWords.IsCommonWord(word);
            }
        }

        return true;
    }
}
