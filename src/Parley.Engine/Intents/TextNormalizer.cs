using System.Text;

namespace Parley.Engine.Intents;

/// <summary>
/// Turns a message into lower-case word tokens. Letters and digits are kept; apostrophes are dropped
/// without a break so "what's" and "whats" meet; every other character separates words.
/// </summary>
internal static class TextNormalizer
{
    public static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var word = new StringBuilder();
        foreach (var raw in text)
        {
            var c = char.ToLowerInvariant(raw);
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
            }
            else if (c is '\'' or '\u2019' or '\u02BC')
            {
                continue;
            }
            else if (word.Length > 0)
            {
                tokens.Add(word.ToString());
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            tokens.Add(word.ToString());
        }

        return tokens;
    }

    /// <summary>The tokens joined by single spaces: the normal form tests and logs can show.</summary>
    public static string Normalize(string text) => string.Join(' ', Tokenize(text));
}
