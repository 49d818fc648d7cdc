using System.Globalization;
using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// Dates and times (Presidio's DATE_TIME): ISO timestamps, numeric dates with a valid day and month in
/// either order, dates with month names, clock times and weekdays. A bare year counts only after a word
/// that introduces a year ("in 1977", "during 2008", "since 1990"), at a lower priority so a house
/// number inside an address is not taken for one.
/// </summary>
internal sealed partial class DateTimeDetector : IPiiDetector
{
    public IEnumerable<PiiSpan> Find(string text)
    {
        foreach (Match match in NamedDate().Matches(text))
        {
            yield return new PiiSpan(PiiTypes.DateTime, match.Index, match.Index + match.Length, PiiPriority.StrongContext);
        }

        if (!Cues.HasDigit(text))
        {
            yield break;
        }

        foreach (Match match in NumericDate().Matches(text))
        {
            if (!match.Groups["a"].Success || IsDayAndMonth(match.Groups["a"].ValueSpan, match.Groups["b"].ValueSpan))
            {
                yield return new PiiSpan(PiiTypes.DateTime, match.Index, match.Index + match.Length, PiiPriority.StrongContext);
            }
        }

        foreach (Match year in Year().Matches(text))
        {
            if (Cues.Before(text, year.Index, 12, YearCue()))
            {
                yield return new PiiSpan(PiiTypes.DateTime, year.Index, year.Index + year.Length, PiiPriority.Guess);
            }
        }
    }

    /// <summary>
    /// The length of a calendar date (not a bare time, weekday or year) that starts exactly at
    /// <paramref name="at"/>, or 0.
    /// </summary>
    public static int DateLengthAt(string text, int at)
    {
        var numeric = NumericDate().Match(text, at);
        if (numeric.Success && numeric.Index == at && !TimeOnly().IsMatch(numeric.Value)
            && (!numeric.Groups["a"].Success || IsDayAndMonth(numeric.Groups["a"].ValueSpan, numeric.Groups["b"].ValueSpan)))
        {
            return numeric.Length;
        }

        var named = NamedDate().Match(text, at);
        return named.Success && named.Index == at && Cues.HasDigit(named.Value) ? named.Length : 0;
    }

    private static bool IsDayAndMonth(ReadOnlySpan<char> first, ReadOnlySpan<char> second)
    {
        var a = int.Parse(first, CultureInfo.InvariantCulture);
        var b = int.Parse(second, CultureInfo.InvariantCulture);
        return a is >= 1 and <= 31 && b is >= 1 and <= 31 && (a <= 12 || b <= 12);
    }

    private const string Month =
        @"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";

    private const string Time = @"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?:\s?[ap](?:\.m\.|m\b))?";

    private const string End = @"(?![\p{L}\p{N}_]|[/.\-:]\d)";

    /// <summary>Everything that starts with a digit: ISO, 12/1/1981, 5 March 2020, 9:30 AM, 5pm.</summary>
    [GeneratedRegex(
        @"(?ix)(?<![\p{L}\p{N}_/.\-:])(?:
            \d{4}-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12]\d|3[01])(?:[T\s]" + Time + @"(?:Z|[+\-]\d{2}:?\d{2})?)?
          | (?<a>\d{1,2})[/.\-](?<b>\d{1,2})[/.\-](?:\d{4}|\d{2})(?:,?\s" + Time + @")?
          | \d{1,2}(?:st|nd|rd|th)?(?:\s+of)?\s+" + Month + @"(?:,?\s+\d{4})?
          | " + Time + @"
          | \d{1,2}\s?[ap](?:\.m\.|m\b)
        )" + End)]
    private static partial Regex NumericDate();

    /// <summary>Month-first dates ("March 5th, 2021", "March 2021") and weekdays.</summary>
    [GeneratedRegex(
        @"(?ix)(?<![\p{L}\p{N}_])(?:
            " + Month + @"\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?
          | " + Month + @"\s+\d{4}
          | (?:mon|tues|wednes|thurs|fri|satur|sun)day
        )" + End)]
    private static partial Regex NamedDate();

    [GeneratedRegex(@"^(?:" + Time + @"|\d{1,2}\s?[ap](?:\.m\.|m\b))$", RegexOptions.IgnoreCase)]
    private static partial Regex TimeOnly();

    [GeneratedRegex(@"(?<![\p{L}\p{N}_.\-/])(?:19|20)\d{2}(?![\p{L}\p{N}_]|[.\-/,]\d|\s*(?i:%|dollars|euros|pounds|usd|eur))")]
    private static partial Regex Year();

    [GeneratedRegex(@"(?i)\b(?:in|during|since|until|till|by|from|of|before|after|around|circa|year)\s+$", RegexOptions.RightToLeft)]
    private static partial Regex YearCue();
}
