using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// Passport numbers right after a passport cue ("passport number is", "Passport No:"). Formats differ by
/// country and overlap with order numbers and coupon codes (one or two letters and 6-9 digits, or 6-9
/// letters and digits), so only the cue makes one a passport number.
/// </summary>
internal sealed partial class PassportDetector : IPiiDetector
{
    public IEnumerable<PiiSpan> Find(string text)
    {
        if (!Cues.HasDigit(text))
        {
            yield break;
        }

        foreach (Match match in PassportAfterCue().Matches(text))
        {
            var value = match.Groups["id"];
            if (Checksums.CountDigits(value.ValueSpan) >= 5)
            {
                yield return new PiiSpan(PiiTypes.Passport, value.Index, value.Index + value.Length, PiiPriority.StrongContext);
            }
        }
    }

    [GeneratedRegex(@"(?i)\bpassport(?:\s+(?:number|num|no\.?|nr\.?|#|id))?(?:\s+(?:is|was|=))?\s*[:#]?\s*(?<id>[A-Z]{1,2}[ ]?\d{6,9}|[A-Z0-9]{6,9})(?![\p{L}\p{N}_])")]
    private static partial Regex PassportAfterCue();
}
