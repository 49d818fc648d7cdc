using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// Ages, but only where the words say it is an age ("34 years old", "a 62-year-old", "aged 40",
/// "at the age of 61", "just turned 32", "I'm 64 y/o", "when he was 78"); a bare number is never an age.
/// The span is the number alone, as Presidio labels it.
/// </summary>
internal sealed partial class AgeDetector : IPiiDetector
{
    public IEnumerable<PiiSpan> Find(string text)
    {
        if (!Cues.HasDigit(text))
        {
            yield break;
        }

        foreach (Match match in Age().Matches(text))
        {
            var value = match.Groups["age"];
            if (int.TryParse(value.ValueSpan, out var age) && age is > 0 and < 125)
            {
                yield return new PiiSpan(PiiTypes.Age, value.Index, value.Index + value.Length, PiiPriority.Heuristic);
            }
        }
    }

    [GeneratedRegex(@"(?ix)
        (?<![\p{L}\p{N}_])(?<age>\d{1,3})(?:\s*|-)(?:years?|yrs?)(?:\s*|-)old\b
      | (?<![\p{L}\p{N}_])(?<age>\d{1,3})\s*(?:y/o|yo|y\.o\.)(?![\p{L}\p{N}_])
      | \b(?:aged|age\s+of|age\s*:|age\s+is)\s*(?<age>\d{1,3})(?![\p{L}\p{N}_])
      | \b(?:turned|turn|turning|turns)\s+(?<age>\d{1,3})(?![\p{L}\p{N}_]|\s*(?:%|percent|degrees|times|pages|miles|km))
      | \b(?:i\s+am|i'm|he\s+is|she\s+is|he\s+was|she\s+was|i\s+was|he's|she's)\s+(?<age>\d{1,3})(?=\s*(?:[.,!?;]|$|and\b|but\b|now\b|this\b|next\b))
      ")]
    private static partial Regex Age();
}
