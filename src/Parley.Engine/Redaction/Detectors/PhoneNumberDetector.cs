using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// Phone numbers, international and national. Taken without context only in shapes that little else
/// has: a leading <c>+</c> or <c>00</c>, the North American <c>(555) 123-4567</c> / <c>555-123-4567</c>,
/// or a grouped national number with a trunk <c>0</c> (<c>0490 75 40 81</c>, <c>01.84.17.61.18</c>).
/// Anything else (<c>451 5986</c>, <c>9498777106</c>) needs a cue such as "phone", "call", "fax" just
/// before or "office"/"mobile" just after. Dates, runs under seven digits and over fifteen are never phones,
/// and runs of sixteen digits are left to the card detector.
/// </summary>
internal sealed partial class PhoneNumberDetector : IPiiDetector
{
    public IEnumerable<PiiSpan> Find(string text)
    {
        if (!Cues.HasDigit(text))
        {
            yield break;
        }

        foreach (Match match in Candidate().Matches(text))
        {
            if (IsPhone(text, match))
            {
                yield return new PiiSpan(PiiTypes.PhoneNumber, match.Index, match.Index + match.Length, PiiPriority.Pattern);
            }
        }
    }

    private static bool IsPhone(string text, Match match)
    {
        var value = match.ValueSpan;
        var number = match.Groups["number"].ValueSpan;
        var digits = Checksums.CountDigits(number);
        if (digits is < 7 or > 15 || DateShape().IsMatch(value))
        {
            return false;
        }

        var separated = number.IndexOfAny(" .-()") >= 0;
        if (value[0] == '+')
        {
            return digits >= 8;
        }

        if (NorthAmerican().IsMatch(number) || (separated && digits >= 10 && number.StartsWith("00")))
        {
            return true;
        }

        if (separated && digits is >= 9 and <= 12 && (number[0] == '0' || number.StartsWith("(0")))
        {
            return true;
        }

        var hasContext = Cues.Before(text, match.Index, 40, CueBefore())
            || Cues.After(text, match.Index + match.Length, 16, CueAfter());
        return hasContext && (separated ? digits <= 13 : digits is 10 or 11);
    }

    // Groups of digits split by one space, dot or dash, with optional (area) parts, a leading + and an
    // extension. The look-ahead stops at a letter or at a further digit group the repetition limit cut off.
    [GeneratedRegex(@"(?<![\p{L}\p{N}_+\-./:])(?<number>(?:\+ ?)?(?:\(\d{1,5}\) ?)?\d{1,8}(?:[ .\-]?(?:\(\d{1,4}\) ?)?\d{1,8}){0,6})(?: ?(?:x|ext\.?|extension) ?\d{1,6})?(?![\p{L}\p{N}_]|[.\-:]?\d)", RegexOptions.IgnoreCase)]
    private static partial Regex Candidate();

    [GeneratedRegex(@"^(?:1[ .\-]?)?(?:\(\d{3}\) ?|\d{3}[ .\-])\d{3}[ .\-]\d{4}$")]
    private static partial Regex NorthAmerican();

    [GeneratedRegex(@"^(?:\d{4}[\-./]\d{1,2}[\-./]\d{1,2}|\d{1,2}[\-./]\d{1,2}[\-./](?:\d{4}|\d{2}))$")]
    private static partial Regex DateShape();

    [GeneratedRegex(@"(?i)\b(?:phone|tel|telephone|mobile|cell|cellphone|fax|desk|call|calling|text me|sms|whats ?app|messages?|answering|registered|contact|reach|dial|landline|hotline|my (?:cell |mobile |phone |home |work )?number)\b")]
    private static partial Regex CueBefore();

    [GeneratedRegex(@"(?i)^\s*[\-–(]?\s*(?:office|fax|mobile|cell|home|work|tel|phone|landline)\b")]
    private static partial Regex CueAfter();
}
