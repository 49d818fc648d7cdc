using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>Email addresses, including non-ASCII local parts and domains (RFC 6531 addresses exist).</summary>
internal sealed partial class EmailDetector : IPiiDetector
{
    public IEnumerable<PiiSpan> Find(string text)
    {
        if (!text.Contains('@', StringComparison.Ordinal))
        {
            yield break;
        }

        foreach (Match match in Email().Matches(text))
        {
            yield return new PiiSpan(PiiTypes.EmailAddress, match.Index, match.Index + match.Length, PiiPriority.Validated);
        }
    }

    // The domain ends on a letter so a sentence's full stop is not swallowed.
    [GeneratedRegex(@"(?<![\p{L}\p{N}._%+\-])[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.\p{L}{2,}(?![\p{L}\p{N}_@])")]
    private static partial Regex Email();
}
