using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// Dates of birth: a calendar date right after a birth label ("DOB:", "date of birth is", "born on").
/// The label is the evidence; an unlabelled date ("order placed on 3 March") stays a DATE_TIME, which
/// conversations keep by default, while a birth date is an identifier and is redacted.
/// </summary>
internal sealed partial class DateOfBirthDetector : IPiiDetector
{
    public IEnumerable<PiiSpan> Find(string text)
    {
        if (!Cues.HasDigit(text))
        {
            yield break;
        }

        foreach (Match label in BirthLabel().Matches(text))
        {
            var at = label.Index + label.Length;
            var length = DateTimeDetector.DateLengthAt(text, at);
            if (length > 0)
            {
                yield return new PiiSpan(PiiTypes.DateOfBirth, at, at + length, PiiPriority.Labelled);
            }
        }
    }

    [GeneratedRegex(@"(?i)(?<![\p{L}\p{N}_])(?:d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|birthday|born(?:\s+on)?)(?:\s+(?:is|was|=))?\s*[:\-]?\s*")]
    private static partial Regex BirthLabel();
}
