using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// Bank and customer account numbers (Presidio's US_BANK_NUMBER, the HeliosCS document's account_number):
/// a run of 8-17 digits, possibly grouped, close after "account", "acct", "a/c"; or, with no cue, a
/// dash-separated number of three or more groups and 12-19 digits (<c>1234-5678-9012-3456</c> that fails
/// Luhn and so is no card). Dates, phone numbers and cards win overlaps by priority.
/// </summary>
internal sealed partial class AccountNumberDetector : IPiiDetector
{
    public IEnumerable<PiiSpan> Find(string text)
    {
        if (!Cues.HasDigit(text))
        {
            yield break;
        }

        foreach (Match match in DigitRun().Matches(text))
        {
            var digits = Checksums.CountDigits(match.ValueSpan);
            if (digits is >= 8 and <= 17 && Cues.Before(text, match.Index, 32, AccountCue()))
            {
                yield return new PiiSpan(PiiTypes.AccountNumber, match.Index, match.Index + match.Length, PiiPriority.Weak + 5);
            }
            else if (digits is >= 12 and <= 19 && DashedGroups().IsMatch(match.ValueSpan))
            {
                yield return new PiiSpan(PiiTypes.AccountNumber, match.Index, match.Index + match.Length, PiiPriority.Weak);
            }
        }
    }

    [GeneratedRegex(@"(?<![\p{L}\p{N}_+\-./])\d+(?:[ \-]\d+){0,5}(?![\p{L}\p{N}_]|[.\-]\d)")]
    private static partial Regex DigitRun();

    [GeneratedRegex(@"^\d{2,}(?:-\d{2,}){2,}$")]
    private static partial Regex DashedGroups();

    [GeneratedRegex(@"(?i)(?:\b(?:account|acct|acc|a/c)\b|\ba/c)(?:\s*(?:number|num|no\.?|nr|#))?")]
    private static partial Regex AccountCue();
}
