using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// The last four digits of a payment card the customer names as such ("my Visa ending in 4242", "card ends
/// with 0005", "last four digits of my card are 1881"). Four digits alone are anything (a year, a time, an
/// order suffix); the card word and "ending" make them part of a card number, which with an email initial
/// and a phone ending narrows a person down (see <see cref="PiiRedactor"/>).
/// </summary>
internal sealed partial class CardEndingDetector : IPiiDetector
{
    public IEnumerable<PiiSpan> Find(string text)
    {
        if (!Cues.HasDigit(text))
        {
            yield break;
        }

        foreach (Match match in CardEnding().Matches(text))
        {
            var digits = match.Groups["d"];
            yield return new PiiSpan(PiiTypes.CreditCard, digits.Index, digits.Index + digits.Length, PiiPriority.StrongContext);
        }
    }

    [GeneratedRegex(@"(?i)\b(?:(?:card|visa|mastercard|master\s+card|amex|american\s+express|discover|debit|credit)\b[^.\n\d]{0,25}?\b(?:ending|ends|ended)(?:\s+(?:in|with|on))?|last\s+(?:four|4)(?:\s+digits)?\s+(?:of|on)\s+(?:my|the|your|our)\s+(?:\w+\s+)?card(?:\s+(?:are|is|were|was))?)\s*[:#]?\s*(?<d>\d{4})(?![\p{L}\p{N}_])")]
    private static partial Regex CardEnding();
}
