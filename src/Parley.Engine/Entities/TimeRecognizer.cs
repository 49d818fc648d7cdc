using System.Globalization;
using System.Text.RegularExpressions;

namespace Parley.Engine.Entities;

/// <summary>
/// Times of day (3pm, 9:30 AM, 15:30, noon), ISO 8601 timestamps, and a date next to a time
/// ("tomorrow at 3pm", "3pm on Friday") joined into one <c>datetime</c>.
/// </summary>
internal static partial class TimeRecognizer
{
    public static void Find(string text, List<Candidate> into)
    {
        foreach (Match match in TwelveHour().Matches(text))
        {
            var hour = Number(match, "hour");
            if (hour is >= 1 and <= 12)
            {
                var afternoon = match.Groups["meridiem"].ValueSpan[0] is 'p' or 'P';
                hour = hour % 12 + (afternoon ? 12 : 0);
                AddTime(text, match, hour, OptionalNumber(match, "minute"), OptionalNumber(match, "second"), 0.9, into);
            }
        }

        foreach (Match match in TwentyFourHour().Matches(text))
        {
            AddTime(text, match, Number(match, "hour"), Number(match, "minute"), OptionalNumber(match, "second"), 0.85, into);
        }

        foreach (Match match in NamedTime().Matches(text))
        {
            var midnight = match.ValueSpan.StartsWith("midn", StringComparison.OrdinalIgnoreCase);
            AddTime(text, match, midnight ? 0 : 12, 0, 0, 0.85, into);
        }

        foreach (Match match in IsoTimestamp().Matches(text))
        {
            var date = match.Groups["date"].ValueSpan;
            var (year, month, day) = (Parse(date[..4]), Parse(date[5..7]), Parse(date[8..10]));
            if (DateRecognizer.IsValid(year, month, day))
            {
                var zone = match.Groups["zone"].Value.ToUpperInvariant();
                if (zone.Length == 5)
                {
                    zone = zone.Insert(3, ":");
                }

                var value = string.Concat(date, "T", Clock(Number(match, "hour"), Number(match, "minute"), OptionalNumber(match, "second")), zone);
                into.Add(Candidate.Of(text, EntityTypes.DateTime, match.Index, match.Index + match.Length, value, 0.95));
            }
        }
    }

    /// <summary>Adds a <c>datetime</c> for each date and time found side by side. Call after dates and times are found.</summary>
    public static void CombineDatesAndTimes(string text, List<Candidate> into)
    {
        var count = into.Count;
        for (var i = 0; i < count; i++)
        {
            var date = into[i].Entity;
            if (date.Type != EntityTypes.Date)
            {
                continue;
            }

            for (var j = 0; j < count; j++)
            {
                var time = into[j].Entity;
                if (time.Type != EntityTypes.Time)
                {
                    continue;
                }

                var dateFirst = time.Start >= date.End;
                var (start, end) = dateFirst ? (date.Start, time.End) : (time.Start, date.End);
                var gap = dateFirst ? text.AsSpan(date.End, time.Start - date.End) : text.AsSpan(time.End, Math.Max(0, date.Start - time.End));
                if ((dateFirst || date.Start >= time.End) && IsJoiner(gap, dateFirst))
                {
                    var value = string.Concat((string)date.Value!, "T", (string)time.Value!);
                    into.Add(Candidate.Of(text, EntityTypes.DateTime, start, end, value, Math.Min(date.Confidence, time.Confidence)));
                }
            }
        }
    }

    // "tomorrow at 3pm", "Jan 15, 10:30", "3pm on Friday": only short joining words, so two
    // unrelated mentions in one sentence stay apart.
    private static bool IsJoiner(ReadOnlySpan<char> gap, bool dateFirst)
    {
        if (gap.Length > 8)
        {
            return false;
        }

        var word = gap.Trim().Trim(',').Trim();
        return word.IsEmpty || (dateFirst
            ? word.Equals("at", StringComparison.OrdinalIgnoreCase) || word.Equals("@", StringComparison.Ordinal) || word.Equals("by", StringComparison.OrdinalIgnoreCase)
            : word.Equals("on", StringComparison.OrdinalIgnoreCase));
    }

    private static void AddTime(string text, Match match, int hour, int minute, int second, double confidence, List<Candidate> into) =>
        into.Add(Candidate.Of(text, EntityTypes.Time, match.Index, match.Index + match.Length, Clock(hour, minute, second), confidence));

    private static string Clock(int hour, int minute, int second) =>
        new TimeOnly(hour, minute, second).ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    private static int Parse(ReadOnlySpan<char> digits) => int.Parse(digits, CultureInfo.InvariantCulture);

    private static int Number(Match match, string group) => Parse(match.Groups[group].ValueSpan);

    private static int OptionalNumber(Match match, string group) => match.Groups[group].Success ? Number(match, group) : 0;

    // "a.m." keeps its final dot, which belongs to the abbreviation rather than ending the sentence.
    [GeneratedRegex(@"(?<![\w:.])(?<hour>[0-9]{1,2})(?::(?<minute>[0-5][0-9]))?(?::(?<second>[0-5][0-9]))?\s?(?<meridiem>[ap])(?:m|\.m\.?)(?!\w)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex TwelveHour();

    [GeneratedRegex(@"(?<![\w:.])(?<hour>[01]?[0-9]|2[0-3]):(?<minute>[0-5][0-9])(?::(?<second>[0-5][0-9]))?(?![\w:]|\.[0-9])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex TwentyFourHour();

    [GeneratedRegex(@"\b(?:noon|midday|midnight)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NamedTime();

    [GeneratedRegex(@"(?<![\w./-])(?<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[T ](?<hour>[01][0-9]|2[0-3]):(?<minute>[0-5][0-9])(?::(?<second>[0-5][0-9])(?:\.[0-9]+)?)?(?<zone>Z|[+-][0-9]{2}:?[0-9]{2})?(?![\w:])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex IsoTimestamp();
}
