using System.Globalization;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// Finds where an address that starts (or has a street) at a given point ends. An address goes on over
/// numbers, capitalised or upper-case words, unit designators ("Apt. 5"), commas, abbreviation stops
/// ("Str. 74"), bracketed notes ("Cyprus (Greek)") and short following lines that look like address lines
/// (a city, ", ON", "Spain 20416"). It stops at sentence punctuation, a blank line, a labelled line
/// ("Mobile: ...") or a lower-case word that is not a street word ("... 72399 after the concert").
/// </summary>
internal static class AddressExtent
{
    private const int MaxLength = 220;
    private const int MaxLines = 6;

    // Lower-case words that occur inside addresses: particles of street names and street abbreviations.
    private static readonly HashSet<string> Connectors = new(
        ["de", "del", "dels", "do", "dos", "da", "das", "di", "du", "des", "la", "le", "les", "van", "von", "der", "den",
         "y", "e", "i", "sur", "am", "an", "im", "auf", "ul", "u", "str", "rue", "via", "rkp", "út", "kapu", "gate",
         "vej", "street", "st", "avenue", "road", "lane", "suite", "apt", "unit", "box", "fpo", "apo", "dpo", "ae", "aa", "ap"],
        StringComparer.OrdinalIgnoreCase);

    // In a message typed all in lower case any word may be a place name, except these.
    private static readonly HashSet<string> LowerCaseStops = new(
        ["for", "after", "before", "in", "on", "at", "to", "is", "was", "are", "last", "next", "this", "that", "please",
         "because", "so", "when", "if", "then", "but", "or", "with", "by", "from", "i", "we", "you", "it", "thanks",
         "thank", "and", "tomorrow", "today", "yesterday", "tonight", "asap", "now", "soon", "nan", "the", "a", "my"],
        StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> ConnectorLookup =
        Connectors.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> LowerCaseStopLookup =
        LowerCaseStops.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The end of the address whose known part ends at <paramref name="from"/>.</summary>
    public static int End(string text, int from, bool lowerCaseText)
    {
        var end = from;
        var i = from;
        var lines = 1;
        var previousLength = from > 0 && char.IsLetterOrDigit(text[from - 1]) ? 1 : 0;
        var limit = Math.Min(text.Length, from + MaxLength);
        while (i < limit)
        {
            var c = text[i];
            if (c is ' ' or '\t' or ',')
            {
                i++;
                continue;
            }

            if (c is '\n' or '\r')
            {
                if (++lines > MaxLines || !NextLineContinues(text, i, lowerCaseText, out var next))
                {
                    break;
                }

                i = next;
                continue;
            }

            if (c == '.')
            {
                // "Str. 74", "u. 15", "rkp. 18. Apt. 417" continue; "Switzerland." ends the sentence.
                if (previousLength is 0 or > 5 || !ContinuesAfterStop(text, i + 1))
                {
                    break;
                }

                i = end = i + 1;
                continue;
            }

            if (IsWordStart(text, i) && AddressPatterns.Unit().Match(text, i) is { Success: true } unit)
            {
                i = end = unit.Index + unit.Length;
                previousLength = unit.Length;
                continue;
            }

            if (c == '(' && text.IndexOf(')', i) is var close && close > i && close - i < 24
                && !text.AsSpan(i, close - i).Contains('\n'))
            {
                i = end = close + 1;
                continue;
            }

            var tokenEnd = TokenEnd(text, i);
            if (tokenEnd == i || !Accepts(text.AsSpan(i, tokenEnd - i), lowerCaseText, out var isConnector))
            {
                break;
            }

            previousLength = tokenEnd - i;
            i = tokenEnd;
            if (!isConnector)
            {
                end = tokenEnd;
            }
        }

        return end;
    }

    private static bool Accepts(ReadOnlySpan<char> token, bool lowerCaseText, out bool isConnector)
    {
        isConnector = false;
        if (char.IsDigit(token[0]) || char.IsUpper(token[0]) || char.IsSymbol(token[0]))
        {
            return token is not ("I" or "Please" or "Thanks" or "Thank" or "Is" or "The");
        }

        if (ConnectorLookup.Contains(token))
        {
            isConnector = true;
            return true;
        }

        return lowerCaseText && !LowerCaseStopLookup.Contains(token);
    }

    private static bool ContinuesAfterStop(string text, int i)
    {
        if (i >= text.Length || text[i] is ',' or '\n')
        {
            return i < text.Length;
        }

        if (text[i] != ' ' || i + 1 >= text.Length)
        {
            return false;
        }

        var next = i + 1;
        var tokenEnd = TokenEnd(text, next);
        return char.IsDigit(text[next]) || AddressPatterns.Unit().IsMatch(text, next)
            || (tokenEnd > next && ConnectorLookup.Contains(text.AsSpan(next, tokenEnd - next)));
    }

    /// <summary>A word or number: letters, marks, digits, symbols (Greek addresses typed with U+2206 for Δ), inner ' - /.</summary>
    private static int TokenEnd(string text, int i)
    {
        var j = i;
        while (j < text.Length && (char.IsLetterOrDigit(text[j]) || char.IsSymbol(text[j])
            || CharUnicodeInfo.GetUnicodeCategory(text[j]) == UnicodeCategory.NonSpacingMark
            || (text[j] is '\'' or '’' or '-' or '/' && j > i && j + 1 < text.Length && char.IsLetterOrDigit(text[j + 1]))))
        {
            j++;
        }

        return j;
    }

    private static bool IsWordStart(string text, int i) => i == 0 || !char.IsLetterOrDigit(text[i - 1]);

    /// <summary>A following line continues the address when it is short, has no label and starts like an address line.</summary>
    private static bool NextLineContinues(string text, int newline, bool lowerCaseText, out int next)
    {
        next = newline + 1;
        while (next < text.Length && text[next] is ' ' or '\t' or '>' or '?' or '\r')
        {
            next++;
        }

        var lineEnd = text.IndexOf('\n', next);
        var line = text.AsSpan(next, (lineEnd < 0 ? text.Length : lineEnd) - next).TrimEnd();
        if (line.Length == 0 || line.Length > 60 || IsLabelled(line) || line.Contains('@')
            || text.AsSpan(newline + 1, next - newline - 1).Contains('\n'))
        {
            return false;
        }

        var first = line[0];
        return char.IsUpper(first) || char.IsDigit(first) || char.IsSymbol(first) || first == ','
            || (lowerCaseText && char.IsLetter(first)) || AddressPatterns.Unit().IsMatch(text, next);
    }

    /// <summary>"Mobile: 0490 39 07 81", "E-mail: ...": a field label ends the address block.</summary>
    private static bool IsLabelled(ReadOnlySpan<char> line)
    {
        var colon = line.IndexOf(':');
        return colon >= 0 && colon <= 24 && line[..colon].IndexOfAnyInRange('0', '9') < 0;
    }
}
