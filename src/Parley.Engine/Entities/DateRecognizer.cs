using System.Globalization;
using System.Text.RegularExpressions;

namespace Parley.Engine.Entities;

/// <summary>
/// Absolute dates (2024-01-15, 15/01/2024, "Jan 15", "15 January 2024") and relative ones ("tomorrow",
/// "next Monday", "in 3 days", "2 hours ago") resolved against the caller's "now".
/// </summary>
internal static partial class DateRecognizer
{
    public static void Find(string text, EntityExtractionOptions options, DateTimeOffset now, List<Candidate> into)
    {
        var today = DateOnly.FromDateTime(now.DateTime);

        foreach (Match match in IsoDate().Matches(text))
        {
            Add(text, match.Index, match.Index + match.Length, Number(match, "year"), Number(match, "first"), Number(match, "second"), 0.95, into);
        }

        foreach (Match match in NumericDate().Matches(text))
        {
            var (first, second, year) = (Number(match, "first"), Number(match, "second"), Year(match));
            var (day, month) = options.DateOrder == DateOrder.DayFirst ? (first, second) : (second, first);
            if (IsValid(year, month, day))
            {
                // Both readings valid and different: the configured order decided, so say it is a guess.
                var ambiguous = first != second && first <= 12 && second <= 12;
                Add(text, match.Index, match.Index + match.Length, year, month, day, ambiguous ? 0.75 : 0.9, into);
            }
            else
            {
                Add(text, match.Index, match.Index + match.Length, year, day, month, 0.8, into);
            }
        }

        foreach (Match match in NamedMonthDate().Matches(text))
        {
            var month = match.Groups["month"];
            // "you may 2x it" is a verb; "May 2" and "2 may" are dates.
            if (month.ValueSpan.SequenceEqual("may") && month.Index < match.Groups["day"].Index && !match.Groups["year"].Success)
            {
                continue;
            }

            // A dot after a full month name ends the sentence; after "Jan" it is part of the abbreviation.
            var end = match.Index + match.Length;
            if (text[end - 1] == '.' && month.Length > 3 && !month.ValueSpan.Equals("sept", StringComparison.OrdinalIgnoreCase))
            {
                end--;
            }

            var year = match.Groups["year"].Success ? Number(match, "year") : today.Year;
            Add(text, match.Index, end, year, MonthOf(month.ValueSpan), Number(match, "day"), 0.9, into);
        }

        foreach (Match match in RelativeDay().Matches(text))
        {
            var word = match.Groups["word"].Value.ToLowerInvariant();
            var offset = word switch
            {
                "today" or "tonight" => 0,
                "yesterday" => -1,
                _ when word.Contains("after", StringComparison.Ordinal) => 2,
                _ when word.Contains("before", StringComparison.Ordinal) => -2,
                _ => 1,
            };
            AddDate(text, match.Index, match.Index + match.Length, today.AddDays(offset), 0.95, into);
        }

        foreach (Match match in Weekday().Matches(text))
        {
            var target = WeekdayOf(match.Groups["day"].ValueSpan);
            var past = match.Groups["past"].Success;
            // Without tense to go on, a bare weekday is the coming one; "last" looks back. Never today.
            var days = past
                ? -(((int)today.DayOfWeek - (int)target + 6) % 7 + 1)
                : ((int)target - (int)today.DayOfWeek + 6) % 7 + 1;
            AddDate(text, match.Index, match.Index + match.Length, today.AddDays(days), match.Groups["modifier"].Success ? 0.9 : 0.8, into);
        }

        foreach (Match match in RelativeOffset().Matches(text))
        {
            AddOffset(text, match, now, into);
        }
    }

    private static void AddOffset(string text, Match match, DateTimeOffset now, List<Candidate> into)
    {
        var count = CountOf(match.Groups["count"].Value);
        if (match.Groups["ago"].Success)
        {
            count = -count;
        }

        var unit = match.Groups["unit"].Value.ToLowerInvariant();
        var at = now.DateTime;
        if (unit.StartsWith('h') || unit.StartsWith("mi", StringComparison.Ordinal))
        {
            var moved = unit.StartsWith('h') ? at.AddHours(count) : at.AddMinutes(count);
            var value = moved.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
            into.Add(Candidate.Of(text, EntityTypes.DateTime, match.Index, match.Index + match.Length, value, 0.9));
            return;
        }

        var date = DateOnly.FromDateTime(at);
        date = unit[0] switch
        {
            'd' => date.AddDays(count),
            'w' => date.AddDays(7 * count),
            'm' => date.AddMonths(count),
            _ => date.AddYears(count),
        };
        AddDate(text, match.Index, match.Index + match.Length, date, 0.9, into);
    }

    private static void Add(string text, int start, int end, int year, int month, int day, double confidence, List<Candidate> into)
    {
        if (IsValid(year, month, day))
        {
            AddDate(text, start, end, new DateOnly(year, month, day), confidence, into);
        }
    }

    private static void AddDate(string text, int start, int end, DateOnly date, double confidence, List<Candidate> into)
    {
        var value = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        into.Add(Candidate.Of(text, EntityTypes.Date, start, end, value, confidence));
    }

    internal static bool IsValid(int year, int month, int day) =>
        year is >= 1 and <= 9999 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);

    private static int Number(Match match, string group) => int.Parse(match.Groups[group].ValueSpan, CultureInfo.InvariantCulture);

    // Two-digit years: 00-69 are this century, 70-99 the last (the POSIX strptime convention).
    private static int Year(Match match)
    {
        var year = Number(match, "year");
        return match.Groups["year"].Length != 2 ? year : year < 70 ? 2000 + year : 1900 + year;
    }

    private static int MonthOf(ReadOnlySpan<char> name) =>
        "janfebmaraprmayjunjulaugsepoctnovdec".AsSpan().IndexOf(name[..3], StringComparison.OrdinalIgnoreCase) / 3 + 1;

    private static DayOfWeek WeekdayOf(ReadOnlySpan<char> name) =>
        (DayOfWeek)("sunmontuewedthufrisat".AsSpan().IndexOf(name[..3], StringComparison.OrdinalIgnoreCase) / 3);

    private static int CountOf(string count) => count.ToLowerInvariant() switch
    {
        "a" or "an" or "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        var other when other.Contains("couple", StringComparison.Ordinal) => 2,
        var digits => int.Parse(digits, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex(@"(?<![\w./-])(?<year>[0-9]{4})(?<sep>[-/.])(?<first>[0-9]{1,2})\k<sep>(?<second>[0-9]{1,2})(?![0-9]|[./-][0-9])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"(?<![\w./-])(?<first>[0-9]{1,2})(?<sep>[/.-])(?<second>[0-9]{1,2})\k<sep>(?<year>[0-9]{4}|[0-9]{2})(?![\w]|[./-][0-9])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex NumericDate();

    private const string MonthName =
        "(?<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

    private const string DayName = "(?:mon|tues|wednes|thurs|fri|satur|sun)day";

    [GeneratedRegex(@"\b(?:" + DayName + @",?\s+)?(?:(?<day>[0-9]{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+" + MonthName + @"\b\.?|"
        + MonthName + @"\b\.?\s+(?:the\s+)?(?<day>[0-9]{1,2})(?:st|nd|rd|th)?\b)(?:,?\s+(?<year>(?:19|20)[0-9]{2})\b)?",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex NamedMonthDate();

    [GeneratedRegex(@"\b(?<word>day\s+after\s+tomorrow|day\s+before\s+yesterday|today|tonight|tomorrow|tmrw|yesterday)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex RelativeDay();

    [GeneratedRegex(@"\b(?:(?<modifier>next|this|coming|(?<past>last|past))\s+)?(?<day>" + DayName + @")\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex Weekday();

    private const string Count = "(?<count>[0-9]{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|(?:a\\s+)?couple\\s+of)";

    private const string Unit = "(?<unit>minute|min|hour|hr|day|week|month|year)s?";

    [GeneratedRegex(@"\b(?:in\s+" + Count + @"\s+" + Unit + "|" + Count + @"\s+" + Unit + @"\s+(?:(?<ago>ago)|from\s+(?:now|today)))\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex RelativeOffset();
}
