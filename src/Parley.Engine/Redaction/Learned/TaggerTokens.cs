namespace Parley.Engine.Redaction.Learned;

/// <summary>A token of a message: character offsets (end exclusive) and whether a line break came before it.</summary>
internal readonly record struct TaggerToken(int Start, int End, bool LineStart);

/// <summary>
/// Splits a message for <see cref="EntityTagger"/>: runs of letters, digits and marks (joined across an inner
/// hyphen, apostrophe or dot, so "rosales-mcguire", "O'Neil" and "P.O" stay one word) and every other
/// non-space character alone. Offsets map predicted tags straight back to character spans.
/// </summary>
internal static class TaggerTokens
{
    public static List<TaggerToken> Split(string text)
    {
        var tokens = new List<TaggerToken>();
        var lineStart = true;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                lineStart |= c is '\n' or '\r';
                i++;
                continue;
            }

            var start = i;
            if (IsWordChar(c))
            {
                i++;
                while (i < text.Length && (IsWordChar(text[i])
                    || (text[i] is '-' or '\'' or '’' or '.' && i + 1 < text.Length && IsWordChar(text[i + 1]) && IsWordChar(text[i - 1]))))
                {
                    i++;
                }
            }
            else
            {
                i++;
            }

            tokens.Add(new TaggerToken(start, i, lineStart));
            lineStart = false;
        }

        return tokens;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark;
}
