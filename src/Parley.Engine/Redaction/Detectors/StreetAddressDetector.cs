using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// Postal addresses as one span each, from the house number or street to the postcode and country:
/// <list type="bullet">
/// <item>a street in English order ("42 Elm Street"), continental order ("Søndergade 52", "Via Roma 131"),
/// a PO box or a US military address, with the lines that follow it (<see cref="AddressExtent"/>);</item>
/// <item>after a phrase that introduces an address ("my new address is", "lives at", "send it to",
/// "meet me at"), whatever address-like text follows, provided it holds a number.</item>
/// </list>
/// House numbers just before a street ("1987 74 Diakou Street") belong to it. Whole addresses rather than
/// parts: the placeholder then reads "[STREET_ADDRESS]" once, which is what a reader of the text needs.
/// </summary>
internal sealed class StreetAddressDetector : IPiiDetector
{
    public IEnumerable<PiiSpan> Find(string text)
    {
        var lowerCase = !text.Any(char.IsUpper);
        var spans = new List<PiiSpan>();
        if (!text.AsSpan().ContainsAnyInRange('0', '9'))
        {
            return spans;
        }

        foreach (var (streetStart, streetEnd) in AddressAnchors.Find(text, AddressTokens.Of(text), lowerCase))
        {
            spans.Add(Span(ExtendLeftOverNumbers(text, streetStart), AddressExtent.End(text, streetEnd, lowerCase)));
        }

        foreach (Match box in AddressPatterns.PostBox().Matches(text))
        {
            spans.Add(Span(ExtendLeftOverNumbers(text, box.Index), AddressExtent.End(text, box.Index + box.Length, lowerCase)));
        }

        foreach (Match cue in AddressPatterns.Cue().Matches(text))
        {
            var start = cue.Index + cue.Length;
            var corner = AddressPatterns.Corner().Match(text, start);
            var bodyStart = corner.Success && corner.Index == start ? corner.Index + corner.Length : start;
            if (bodyStart >= text.Length || !(char.IsLetterOrDigit(text[bodyStart])))
            {
                continue;
            }

            var end = AddressExtent.End(text, bodyStart, lowerCase);
            if (corner.Success && corner.Index == start)
            {
                end = CornerEnd(text, end, lowerCase);
            }

            start = SkipRecipientLine(text, start, end);
            if (end - start >= 5 && text.AsSpan(start, end - start).IndexOfAnyInRange('0', '9') >= 0)
            {
                spans.Add(Span(start, end));
            }
        }

        foreach (Match corner in AddressPatterns.Corner().Matches(text))
        {
            var end = CornerEnd(text, AddressExtent.End(text, corner.Index + corner.Length, lowerCase), lowerCase);
            if (end > corner.Index + corner.Length)
            {
                spans.Add(Span(corner.Index, end));
            }
        }

        return spans;
    }

    /// <summary>"Billing address: Sophie Lang\n 3482 Via Franscini 71": the name line is the recipient, not the address.</summary>
    private static int SkipRecipientLine(string text, int start, int end)
    {
        var newline = text.IndexOf('\n', start, end - start);
        if (newline <= start || text.AsSpan(start, newline - start).IndexOfAnyInRange('0', '9') >= 0)
        {
            return start;
        }

        var next = newline + 1;
        while (next < end && char.IsWhiteSpace(text[next]))
        {
            next++;
        }

        return next;
    }

    /// <summary>"the corner of A and B": the address goes on after "and" for the second street.</summary>
    private static int CornerEnd(string text, int end, bool lowerCase)
    {
        var lineEnd = text.IndexOf('\n', end);
        var line = text.AsSpan(end, (lineEnd < 0 ? text.Length : lineEnd) - end);
        var and = line.IndexOf(" and ", StringComparison.Ordinal);
        return and is >= 0 and <= 12 && !line[..and].ContainsAny("?!,;")
            ? Math.Max(end, AddressExtent.End(text, end + and + 5, lowerCase))
            : end;
    }

    private static int ExtendLeftOverNumbers(string text, int start)
    {
        var i = start;
        while (i > 1 && text[i - 1] == ' ' && char.IsDigit(text[i - 2]))
        {
            var j = i - 2;
            while (j > 0 && char.IsDigit(text[j - 1]))
            {
                j--;
            }

            if (j > 0 && char.IsLetterOrDigit(text[j - 1]))
            {
                break;
            }

            i = j;
        }

        return i;
    }

    private static PiiSpan Span(int start, int end) => new(PiiTypes.StreetAddress, start, end, PiiPriority.Heuristic);
}
