using System.Text.RegularExpressions;

namespace Parley.Engine.Entities;

/// <summary>E-mail addresses, web addresses and phone numbers.</summary>
internal static partial class ContactRecognizer
{
    public static void Find(string text, EntityExtractionOptions options, List<Candidate> into)
    {
        foreach (var match in Email().EnumerateMatches(text))
        {
            var found = text.AsSpan(match.Index, match.Length);
            var at = found.IndexOf('@');
            // The local part is case-sensitive by the RFC; only the domain is case-free.
            var value = string.Concat(found[..(at + 1)], found[(at + 1)..].ToString().ToLowerInvariant());
            into.Add(Candidate.Of(text, EntityTypes.Email, match.Index, match.Index + match.Length, value, 0.95));
        }

        foreach (Match match in Url().Matches(text))
        {
            var end = TrimUrlEnd(text, match.Index, match.Index + match.Length);
            var found = text[match.Index..end];
            var hasScheme = match.Groups["scheme"].Success;
            var value = hasScheme ? found : "https://" + found;
            var confidence = hasScheme ? 0.95 : found.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? 0.9 : 0.7;
            into.Add(Candidate.Of(text, EntityTypes.Url, match.Index, end, value, confidence));
        }

        foreach (var match in Phone().EnumerateMatches(text))
        {
            AddPhone(text, match.Index, match.Length, options, into, confidence: text[match.Index] == '+' ? 0.9 : 0.8);
        }

        foreach (Match match in PhoneAfterContext().Matches(text))
        {
            var number = match.Groups["number"];
            AddPhone(text, number.Index, number.Length, options, into, confidence: 0.75);
        }
    }

    private static void AddPhone(string text, int start, int length, EntityExtractionOptions options, List<Candidate> into, double confidence)
    {
        var found = text.AsSpan(start, length);
        var hasPlus = found[0] == '+';
        Span<char> digits = stackalloc char[32];
        var count = 0;
        for (var i = 0; i < found.Length; i++)
        {
            // "+44 (0) 20 ..." shows the trunk 0 for callers at home; dialled from abroad, and in E.164, it is left out.
            if (hasPlus && found[i..].StartsWith("(0)"))
            {
                i += 2;
            }
            else if (char.IsAsciiLetter(found[i]))
            {
                // An extension is part of what the customer wrote but not of the E.164 number.
                break;
            }
            else if (char.IsAsciiDigit(found[i]))
            {
                if (count == digits.Length) return;
                digits[count++] = found[i];
            }
        }

        // E.164 allows 15 digits; fewer than 7 is an extension or a quantity, and a date such as
        // 15-01-2024 or 2024.01.15 has the shape of a local number.
        if (count is < 7 or > 15 || DateShape().IsMatch(found))
        {
            return;
        }

        var value = Normalise(hasPlus, digits[..count], options.DefaultCallingCode?.TrimStart('+'));
        into.Add(Candidate.Of(text, EntityTypes.Phone, start, start + length, value, confidence));
    }

    private static string Normalise(bool hasPlus, ReadOnlySpan<char> digits, string? callingCode)
    {
        if (hasPlus)
        {
            return string.Concat("+", digits);
        }

        if (string.IsNullOrEmpty(callingCode))
        {
            return digits.ToString();
        }

        // A leading 0 is the national trunk prefix (020 7946 0958 -> +44 20 7946 0958); a number that
        // already starts with the calling code and is longer than a national number carries it (1-800-...).
        if (digits[0] == '0')
        {
            return string.Concat("+", callingCode, digits[1..]);
        }

        return digits.Length > 10 && digits.StartsWith(callingCode)
            ? string.Concat("+", digits)
            : string.Concat("+", callingCode, digits);
    }

    // Sentence punctuation and an unbalanced closing bracket end a URL written in prose.
    private static int TrimUrlEnd(string text, int start, int end)
    {
        while (end > start)
        {
            var last = text[end - 1];
            if (last is '.' or ',' or ';' or ':' or '!' or '?' or '\'' or '"' ||
                (last == ')' && text.AsSpan(start, end - start).Count('(') < text.AsSpan(start, end - start).Count(')')))
            {
                end--;
                continue;
            }

            break;
        }

        return end;
    }

    [GeneratedRegex(@"(?<![\w.%+-])[A-Z0-9._%+-]+@(?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+[A-Z]{2,24}(?![\w-])",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    // Without a scheme or "www." only a short list of common top-level domains counts, so that
    // "e.g." or "report.pdf" stay prose. The look-behind keeps an e-mail's domain from being a URL.
    [GeneratedRegex("""
        (?<![\w@./-])
        (?:
          (?<scheme>(?:https?|ftp)://)[^\s<>"'`]+
        | www\.[A-Z0-9-]+(?:\.[A-Z0-9-]+)+(?:[/?#][^\s<>"'`]*)?
        | (?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+(?:com|org|net|io|co|ai|app|dev|edu|gov|info|biz|shop|uk|us|ca|au|de|fr|nl|eu)
          (?![\w-])(?:[/?#][^\s<>"'`]*)?
        )
        """, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace | RegexOptions.ExplicitCapture)]
    private static partial Regex Url();

    // International (+44 20 7946 0958), North American (555-123-4567, (555) 123-4567, 1-800-555-0199) and
    // trunk-prefixed national numbers (020 7946 0958, 03.93.92.16.85, (08) 8747 6301), each with an optional
    // extension (x123, ext. 12). Anything else needs PhoneAfterContext.
    [GeneratedRegex("""
        (?<![\w+])
        (?:
          \+[0-9]{1,3}(?:[ .-]?(?:\([0-9]{1,5}\)|[0-9]{1,5})){1,5}
        | (?:1[ .-]?)?(?:\([0-9]{3}\)[ .-]?|[0-9]{3}[ .-])[0-9]{3}[ .-][0-9]{4}
        | (?:0[0-9]{1,4}[ .-]|\(0[0-9]{1,4}\)[ .-]?)[0-9]{2,4}(?:[ .-]?[0-9]{2,4}){1,3}
        )
        (?:[ ]?(?i:x|ext\.?)[ ]?[0-9]{1,5})?
        (?![\w]|[.-][0-9])
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex Phone();

    [GeneratedRegex("""
        \b(?:call|phone|telephone|tel|mobile|cell|fax|whatsapp|text)\b\.?
        (?:\s+(?:me|us|at|on|number|no\.?|is)\b)*\s*:?\s*
        (?<number>\+?[0-9][0-9 .()-]{5,18}[0-9])(?![\w]|[.-][0-9])
        """, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace | RegexOptions.ExplicitCapture)]
    private static partial Regex PhoneAfterContext();

    [GeneratedRegex(@"^(?:[0-9]{1,2}[.-][0-9]{1,2}[.-](?:19|20)[0-9]{2}|(?:19|20)[0-9]{2}[.-][0-9]{1,2}[.-][0-9]{1,2})(?![0-9])")]
    private static partial Regex DateShape();
}
