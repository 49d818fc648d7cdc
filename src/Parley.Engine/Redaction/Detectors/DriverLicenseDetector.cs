using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// US driver's licence numbers. Each state has its own format and together they cover most short
/// alphanumeric strings, so a number is only taken right after a licence cue ("driver's license number is").
/// </summary>
internal sealed partial class DriverLicenseDetector : IPiiDetector
{
    public IEnumerable<PiiSpan> Find(string text)
    {
        if (!Cues.HasDigit(text))
        {
            yield break;
        }

        foreach (Match match in LicenseAfterCue().Matches(text))
        {
            var value = match.Groups["id"];
            if (Checksums.CountDigits(value.ValueSpan) >= 4)
            {
                yield return new PiiSpan(PiiTypes.UsDriverLicense, value.Index, value.Index + value.Length, PiiPriority.StrongContext);
            }
        }
    }

    [GeneratedRegex(@"(?i)\b(?:driver'?s?|driving)[ \-]?licen[cs]e(?:\s+(?:number|num|no\.?|#|id))?(?:\s+(?:is|was|=))?\s*[:#]?\s*(?<id>[A-Z0-9](?:[A-Z0-9\-]{3,18})[A-Z0-9])(?![\p{L}\p{N}_])|\bDL\s*(?:number|no\.?|#)?\s*[:#]\s*(?<id>[A-Z0-9][A-Z0-9\-]{3,18}[A-Z0-9])")]
    private static partial Regex LicenseAfterCue();
}
