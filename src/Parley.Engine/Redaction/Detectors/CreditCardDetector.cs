using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// Payment cards: 12-19 digits, run together or in groups split by spaces or dashes, passing Luhn.
/// Thirteen digits and up are taken on Luhn alone (one random number in ten passes, an acceptable
/// over-redaction); twelve-digit numbers are Maestro-only, so they also need a Maestro prefix (50, 56-69)
/// or a card word nearby. Grouped numbers must look printed on a card (first group of four, groups of
/// 3-6, one separator kind) so phone numbers such as 001-518-640-0854 are not read as cards.
/// </summary>
internal sealed partial class CreditCardDetector : IPiiDetector
{
    public IEnumerable<PiiSpan> Find(string text)
    {
        if (!Cues.HasDigit(text))
        {
            yield break;
        }

        foreach (Match run in DigitGroupRun().Matches(text))
        {
            if (Best(text, run) is { } span)
            {
                yield return span;
            }
        }
    }

    /// <summary>The longest run of consecutive groups inside <paramref name="run"/> that is a valid card.</summary>
    private static PiiSpan? Best(string text, Match run)
    {
        var groups = run.Groups["g"].Captures;
        PiiSpan? best = null;
        for (var first = 0; first < groups.Count; first++)
        {
            var digits = 0;
            for (var last = first; last < groups.Count; last++)
            {
                digits += groups[last].Length;
                if (digits > 19)
                {
                    break;
                }

                var start = groups[first].Index;
                var end = groups[last].Index + groups[last].Length;
                if (digits >= 12 && (best is null || end - start > best.Value.Length)
                    && IsCard(text, start, end, first, last, groups, digits))
                {
                    best = new PiiSpan(PiiTypes.CreditCard, start, end, PiiPriority.Validated);
                }
            }
        }

        return best;
    }

    private static bool IsCard(string text, int start, int end, int first, int last, CaptureCollection groups, int digits)
    {
        if ((last > first && !LooksPrinted(text, first, last, groups)) || CouldExtend(text, first, last, groups, digits))
        {
            return false;
        }

        if (!Checksums.IsLuhnValid(text.AsSpan(start, end - start)))
        {
            return false;
        }

        return digits > 12 || IsMaestroPrefix(text, start) || Cues.Before(text, start, 40, CardCue());
    }

    private static bool LooksPrinted(string text, int first, int last, CaptureCollection groups)
    {
        if (groups[first].Length != 4)
        {
            return false;
        }

        var separator = text[groups[first].Index + groups[first].Length];
        for (var i = first; i <= last; i++)
        {
            if (groups[i].Length is < 3 or > 6)
            {
                return false;
            }

            if (i > first && text[groups[i].Index - 1] != separator)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// "1234-5678-9012-3456" fails Luhn; its tail "5678-9012-3456" must not then pass as a Maestro card.
    /// A part of a digit run counts only when no neighbouring group could still belong to the same card.
    /// </summary>
    private static bool CouldExtend(string text, int first, int last, CaptureCollection groups, int digits)
    {
        var before = first > 0 && digits + groups[first - 1].Length <= 19 && (last == first || text[groups[first].Index - 1] == text[groups[first + 1].Index - 1]);
        var after = last + 1 < groups.Count && digits + groups[last + 1].Length <= 19 && (last == first || text[groups[last + 1].Index - 1] == text[groups[last].Index - 1]);
        return before || after;
    }

    private static bool IsMaestroPrefix(string text, int start) =>
        text[start] == '5' ? text[start + 1] is '0' or '6' or '7' or '8' or '9' : text[start] == '6';

    [GeneratedRegex(@"(?<![\p{L}\p{N}_+\-.])(?<g>\d+)(?:[ \-](?<g>\d+))*(?![\p{L}\p{N}_]|[.,]\d)")]
    private static partial Regex DigitGroupRun();

    [GeneratedRegex(@"(?i)\b(?:card|cc|credit|debit|visa|master ?card|maestro|amex|american express|discover|jcb|pan)\b")]
    private static partial Regex CardCue();
}
