using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// IBANs (ISO 13616): country code, two check digits and the country's fixed-length account part,
/// written compact or in groups of four. The length comes from the country table and the number must
/// pass mod-97, so a typo or a random code is not redacted as an IBAN.
/// </summary>
internal sealed partial class IbanDetector : IPiiDetector
{
    public IEnumerable<PiiSpan> Find(string text)
    {
        if (!Cues.HasDigit(text))
        {
            yield break;
        }

        foreach (Match match in IbanStart().Matches(text))
        {
            var country = match.ValueSpan[..2].ToString().ToUpperInvariant();
            if (!IbanLengths.ByCountry.TryGetValue(country, out var length))
            {
                continue;
            }

            if (TryRead(text, match.Index, length) is { } end)
            {
                yield return new PiiSpan(PiiTypes.IbanCode, match.Index, end, PiiPriority.Validated);
            }
        }
    }

    /// <summary>
    /// Reads exactly <paramref name="length"/> letters and digits from <paramref name="start"/>, allowing
    /// one space between characters (printed IBANs group by four), and checks what follows is not more of
    /// the same word. Returns the end offset when the checksum holds.
    /// </summary>
    private static int? TryRead(string text, int start, int length)
    {
        Span<char> compact = stackalloc char[length];
        var n = 0;
        var i = start;
        while (i < text.Length && n < length)
        {
            var c = text[i];
            if (char.IsAsciiLetterOrDigit(c))
            {
                compact[n++] = c;
                i++;
            }
            else if (c == ' ' && n > 0 && i + 1 < text.Length && char.IsAsciiLetterOrDigit(text[i + 1]))
            {
                i++;
            }
            else
            {
                return null;
            }
        }

        if (n < length || (i < text.Length && char.IsLetterOrDigit(text[i])))
        {
            return null;
        }

        return Checksums.IsIbanChecksumValid(compact) ? i : null;
    }

    [GeneratedRegex(@"(?<![\p{L}\p{N}_])[A-Za-z]{2}\d{2}(?= ?[A-Za-z0-9])")]
    private static partial Regex IbanStart();
}
