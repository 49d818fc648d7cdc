namespace Parley.Engine.Redaction.Detectors;

internal enum AddressTokenKind
{
    Number,
    Word,
    Break,
}

/// <summary>A word or number of a message; <see cref="AddressTokenKind.Break"/> stands for punctuation or a line end.</summary>
internal readonly record struct AddressToken(AddressTokenKind Kind, int Start, int End, bool Dotted)
{
    public bool IsNumber => Kind == AddressTokenKind.Number;

    public bool IsWord => Kind == AddressTokenKind.Word;
}

/// <summary>
/// Splits a message into words and numbers once, so the address anchors can look a few words either side
/// of each number with dictionary look-ups instead of running large regular expressions at every position.
/// A full stop right after a word ("Str.", "St.") is kept as <see cref="AddressToken.Dotted"/>.
/// </summary>
internal static class AddressTokens
{
    public static List<AddressToken> Of(string text)
    {
        var tokens = new List<AddressToken>(text.Length / 4);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is ' ' or '\t')
            {
                i++;
                continue;
            }

            if (!IsWordChar(c))
            {
                tokens.Add(new AddressToken(AddressTokenKind.Break, i, i + 1, false));
                i++;
                continue;
            }

            var start = i;
            var digits = 0;
            while (i < text.Length && (IsWordChar(text[i])
                || (text[i] is '\'' or '’' or '-' && i + 1 < text.Length && IsWordChar(text[i + 1]))))
            {
                digits += char.IsAsciiDigit(text[i]) ? 1 : 0;
                i++;
            }

            var length = i - start;
            var isNumber = digits == length || (digits == length - 1 && digits > 0 && char.IsAsciiLetter(text[i - 1]));
            var dotted = i < text.Length && text[i] == '.';
            tokens.Add(new AddressToken(isNumber ? AddressTokenKind.Number : AddressTokenKind.Word, start, i, dotted));
            if (dotted)
            {
                i++;
            }
        }

        return tokens;
    }

    public static bool IsWordChar(char c) =>
        char.IsLetterOrDigit(c) || char.IsSymbol(c)
        || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark;
}
