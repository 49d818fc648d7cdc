using System.Globalization;
using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// US Social Security numbers: 3-2-4 digits with one kind of separator (dash, space or dot), or nine bare
/// digits when "SSN"/"social security" is close by (bare nine-digit numbers are too common to take alone).
/// <para>
/// The customer's own label decides: a number they call their SSN is redacted whatever the SSA rules say,
/// because people type published sample numbers, typos and made-up test values next to real ones, and a
/// checksum cannot tell which. The SSA rules (no area 000, 666 or 9xx, group 00, serial 0000, no famous
/// sample) only lower confidence: an unlabelled 3-2-4 number that breaks them is left alone.
/// </para>
/// </summary>
internal sealed partial class UsSsnDetector : IPiiDetector
{
    public IEnumerable<PiiSpan> Find(string text)
    {
        if (!Cues.HasDigit(text))
        {
            yield break;
        }

        foreach (Match match in SsnShape().Matches(text))
        {
            var labelled = Cues.Before(text, match.Index, 40, SsnCue());
            if (labelled)
            {
                yield return new PiiSpan(PiiTypes.UsSsn, match.Index, match.Index + match.Length, PiiPriority.Validated);
                continue;
            }

            if (match.Groups["sep"].Length == 0)
            {
                continue;
            }

            var area = int.Parse(match.Groups["area"].ValueSpan, CultureInfo.InvariantCulture);
            var group = int.Parse(match.Groups["group"].ValueSpan, CultureInfo.InvariantCulture);
            var serial = int.Parse(match.Groups["serial"].ValueSpan, CultureInfo.InvariantCulture);
            var digits = Checksums.DigitsOf(match.ValueSpan);
            if (Checksums.IsPlausibleUsSsn(area, group, serial, digits))
            {
                yield return new PiiSpan(PiiTypes.UsSsn, match.Index, match.Index + match.Length, PiiPriority.Validated);
            }
        }
    }

    [GeneratedRegex(@"(?<![\p{L}\p{N}_+\-.])(?<area>\d{3})(?<sep>[\- .]?)(?<group>\d{2})\k<sep>(?<serial>\d{4})(?![\p{L}\p{N}_]|[\-.]\d)")]
    private static partial Regex SsnShape();

    [GeneratedRegex(@"(?i)\b(?:ssn|ss#|ss no|social security|social sec)")]
    private static partial Regex SsnCue();
}
