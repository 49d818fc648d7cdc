using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// Places (Presidio's LOCATION): country names anywhere (<see cref="Countries"/>), and any capitalised or
/// upper-case place name right after words that say a place follows ("I'm in", "grew up in", "moved here
/// from", "flew to", "visiting", "home city", "University of"). A person's town narrows down who they
/// are, so it is redacted like an address; a tenant that finds it too eager turns LOCATION off.
/// </summary>
internal sealed partial class LocationDetector : IPiiDetector
{
    public IEnumerable<PiiSpan> Find(string text)
    {
        var lowerCase = !text.Any(char.IsUpper);
        var spans = new List<PiiSpan>();
        Span<int> ends = stackalloc int[4];
        foreach (Match word in (lowerCase ? Word() : CapitalisedWord()).Matches(text))
        {
            if (spans.Count > 0 && spans[^1].End > word.Index)
            {
                continue;
            }

            if (Country(text, word.Index, ends) is { } country)
            {
                spans.Add(country);
            }
            else if (Cues.Before(text, word.Index, 40, Cue()) && AfterCue(text, word.Index, lowerCase) is { } place)
            {
                spans.Add(place);
            }
        }

        return spans;
    }

    /// <summary>The longest country name (up to four words) starting here, with a bracketed qualifier ("Cyprus (Greek)").</summary>
    private static PiiSpan? Country(string text, int start, Span<int> ends)
    {
        var count = WordEnds(text, start, ends);
        for (var k = count - 1; k >= 0; k--)
        {
            var end = ends[k];
            if (Countries.IsCountry(text.AsSpan(start, end - start)))
            {
                var qualifier = Qualifier().Match(text, end);
                end = qualifier.Success && qualifier.Index == end ? end + qualifier.Length : end;
                return new PiiSpan(PiiTypes.Location, start, end, PiiPriority.Guess + 5);
            }
        }

        return null;
    }

    private static PiiSpan? AfterCue(string text, int at, bool lowerCase)
    {
        var place = (lowerCase ? LowerCasePlace() : Place()).Match(text, at);
        if (!place.Success || place.Index != at || StartsWithCommonWord(place.ValueSpan))
        {
            return null;
        }

        var end = TrimTrailingCommonWords(text, at, CutAtStopWord(text, at, at + place.Length));
        return end > at ? new PiiSpan(PiiTypes.Location, at, end, PiiPriority.Guess + 5) : null;
    }

    private static int WordEnds(string text, int start, Span<int> ends)
    {
        var count = 0;
        var i = start;
        while (count < ends.Length)
        {
            while (i < text.Length && (char.IsLetter(text[i]) || text[i] == '-'))
            {
                i++;
            }

            ends[count++] = i;
            if (i + 1 >= text.Length || text[i] != ' ' || !char.IsLetter(text[i + 1]))
            {
                break;
            }

            i++;
        }

        return count;
    }

    private static bool StartsWithCommonWord(ReadOnlySpan<char> place)
    {
        var space = place.IndexOf(' ');
        var first = space < 0 ? place : place[..space];
        return CommonWords.IsCommonWord(first) || Countries.IsNationality(first);
    }

    /// <summary>"kiel by helicopter": a place name does not run on past a function word.</summary>
    private static int CutAtStopWord(string text, int start, int end)
    {
        for (var i = start; i < end;)
        {
            var space = text.IndexOf(' ', i, end - i);
            var wordEnd = space < 0 ? end : space;
            if (i > start && CommonWords.IsStopWord(text.AsSpan(i, wordEnd - i)))
            {
                return i - 1;
            }

            i = wordEnd + 1;
        }

        return end;
    }

    private static int TrimTrailingCommonWords(string text, int start, int end)
    {
        while (end > start)
        {
            var space = text.LastIndexOf(' ', end - 1, end - start);
            var last = text.AsSpan(space + 1, end - space - 1);
            if (space < start || !CommonWords.IsCommonWord(last))
            {
                return end;
            }

            end = space;
        }

        return end;
    }

    [GeneratedRegex(@"(?<![\p{L}\p{N}_'’\-])\p{L}")]
    private static partial Regex Word();

    [GeneratedRegex(@"(?<![\p{L}\p{N}_'’\-])\p{Lu}")]
    private static partial Regex CapitalisedWord();

    private const string PlaceWord = @"(?:\p{Lu}[\p{L}\p{M}'’\-]*)";

    [GeneratedRegex(@"\G(?:St\.[ ])?" + PlaceWord + @"(?:[ ](?:(?:de|di|do|da|del|la|le|du|sur|am|an|im|upon|on)[ ])?" + PlaceWord + @"){0,3}(?:[ ]\(\p{Lu}\p{Ll}+\))?(?![\p{L}\p{N}_])")]
    private static partial Regex Place();

    [GeneratedRegex(@"\G[ ]\(\p{Lu}\p{Ll}+\)")]
    private static partial Regex Qualifier();

    [GeneratedRegex(@"\G\p{Ll}[\p{Ll}\p{M}'’\-]*(?:[ ]\p{Ll}[\p{Ll}\p{M}'’\-]*){0,2}(?![\p{L}\p{N}_])")]
    private static partial Regex LowerCasePlace();

    [GeneratedRegex(@"(?ix)\b(?:
          (?:i'm|i\s+am|we're|we\s+are|he's|she's|he\s+is|she\s+is|they're|they\s+are|you're|live|lives|living|lived|grew\s+up|born|raised|based|located|situated|staying|stay|stays|reside|resides|residing|settled|holiday|vacation|trip|conference|headquartered)\s+in
        | (?:moved|move|moving|relocated|relocating|travel(?:l?ing|l?ed)?|flew|fly|flying|drive|driving|emigrated|immigrated|originally|trip|flight)(?:\s+(?:here|back|home|over|down|up|out))?\s+(?:to|from|in|at|for)
        | (?:arrived|arriving|returned|returning)\s+(?:in|to)
        | visit|visiting|visited|visits|near|outside
        | where: | home\s+(?:city|town|country|village)(?:\s+(?:of|is))? | (?:city|town|village|university|capital|province|state|county|region|suburbs?|outskirts)\s+of
        )\s+$", RegexOptions.RightToLeft)]
    private static partial Regex Cue();
}
