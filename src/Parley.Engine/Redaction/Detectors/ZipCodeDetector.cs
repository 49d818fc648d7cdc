using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// Postal codes after a label ("zip code is", "ZIP:", "postcode"): US ZIP and ZIP+4 and the common
/// international shapes (<c>394 13</c>, <c>3610-114</c>, <c>7412 SL</c>, <c>B0J 2H0</c>, <c>SW1A 1AA</c>).
/// A bare five-digit number is too common to take without the label.
/// </summary>
internal sealed partial class ZipCodeDetector : IPiiDetector
{
    public IEnumerable<PiiSpan> Find(string text)
    {
        if (!Cues.HasDigit(text))
        {
            yield break;
        }

        foreach (Match match in ZipAfterCue().Matches(text))
        {
            var zip = match.Groups["zip"];
            yield return new PiiSpan(PiiTypes.ZipCode, zip.Index, zip.Index + zip.Length, PiiPriority.StrongContext);
        }
    }

    [GeneratedRegex(@"(?ix)\b(?:zip|zip\s?code|postal\s?code|post\s?code|postcode|plz)\b(?:\s+(?:is|was))?\s*[:#]?\s*
        (?<zip>
            [A-Z]\d[A-Z]\x20?\d[A-Z]\d
          | [A-Z]{1,2}\d[A-Z\d]?\x20?\d[A-Z]{2}
          | \d{3,5}(?:[\x20\-]\d{2,4})?(?-i:\x20[A-Z]{2}(?!\p{L}))?
        )(?![\p{L}\p{N}_]|[\-]\d)")]
    private static partial Regex ZipAfterCue();
}
