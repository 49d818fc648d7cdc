using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// Web addresses with a scheme or a leading <c>www.</c>. Bare domains (<c>example.com</c>) are left alone:
/// they are usually a company's site, not a customer's, and would also fire inside file names.
/// </summary>
internal sealed partial class UrlDetector : IPiiDetector
{
    public IEnumerable<PiiSpan> Find(string text)
    {
        if (!text.Contains("://", StringComparison.Ordinal) && !text.Contains("www.", StringComparison.OrdinalIgnoreCase))
        {
            yield break;
        }

        foreach (Match match in Url().Matches(text))
        {
            // Closing punctuation belongs to the sentence, not the address.
            var end = match.Index + match.Length;
            while (end > match.Index && ".,;:!?)]}'\"".Contains(text[end - 1], StringComparison.Ordinal))
            {
                end--;
            }

            yield return new PiiSpan(PiiTypes.Url, match.Index, end, PiiPriority.Shape);
        }
    }

    [GeneratedRegex(@"(?i)\b(?:(?:https?|ftp)://|www\.)[^\s<>""'`|]+")]
    private static partial Regex Url();
}
