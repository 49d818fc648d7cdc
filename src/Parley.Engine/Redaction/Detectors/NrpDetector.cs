using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// Nationality, religion and political-group words (Presidio's NRP): "I am Croatian", "we are proud Saudis".
/// These reveal racial or ethnic origin and religious or political beliefs, special categories under
/// GDPR article 9. Lower-case forms count too ("belizian"), except words that are also ordinary words
/// ("polish", "china", "turkey", "french fries" are left alone).
/// </summary>
internal sealed partial class NrpDetector : IPiiDetector
{
    public IEnumerable<PiiSpan> Find(string text)
    {
        foreach (Match word in Word().Matches(text))
        {
            var value = word.ValueSpan;
            if (Countries.IsNationality(value) && (char.IsUpper(value[0]) || !IsAlsoCommonNoun(value))
                && !Cues.Before(text, word.Index, 24, LanguageCue()))
            {
                yield return new PiiSpan(PiiTypes.Nrp, word.Index, word.Index + word.Length, PiiPriority.Guess + 5);
            }
        }
    }

    private static bool IsAlsoCommonNoun(ReadOnlySpan<char> word) =>
        word is "polish" or "china" or "turkey" or "french" or "swiss" or "danish" or "english" or "orthodox" or "catholic"
            or "democrat" or "republican" or "christian" or "greek" or "indian";

    // "studying English", "speaks French": the language, not the person's nationality.
    [GeneratedRegex(@"(?i)\b(?:speak|speaks|spoke|speaking|learn|learning|learned|study|studying|studied|teach|teaching|taught|translate|translated|in|into)\s+(?:\p{L}+\s+and\s+)?$", RegexOptions.RightToLeft)]
    private static partial Regex LanguageCue();

    [GeneratedRegex(@"(?<![\p{L}\p{N}_'’\-])\p{L}[\p{L}]{2,}(?![\p{L}\p{N}_'’\-])")]
    private static partial Regex Word();
}
