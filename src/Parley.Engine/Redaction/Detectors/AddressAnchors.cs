namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// Finds the street part of addresses around each house number:
/// <list type="bullet">
/// <item>English order: number, name words, street type ("74 Diakou Street", "2437 Main St");</item>
/// <item>continental order: street word, name words, number ("Via Roma 131", "Augsburger Strasse 36",
/// "ul. Słowicza 10"), also after a number ("36 rue de Pologne");</item>
/// <item>number, capitalised name, number ("51709 Spinatsch 94") when a flat or suite, or a further
/// address line, follows, since without one it could be anything.</item>
/// </list>
/// </summary>
internal static class AddressAnchors
{
    private const int MaxNameWords = 4;

    public static IEnumerable<(int Start, int End)> Find(string text, List<AddressToken> tokens, bool lowerCase)
    {
        for (var n = 0; n < tokens.Count; n++)
        {
            if (!tokens[n].IsNumber || tokens[n].End - tokens[n].Start > 6)
            {
                continue;
            }

            if (NumberFirst(text, tokens, n, lowerCase) is { } english)
            {
                yield return english;
            }
            else if (NumberLast(text, tokens, n, lowerCase) is { } continental)
            {
                yield return continental;
            }
            else if (NumberNameNumber(text, tokens, n) is { } bare)
            {
                yield return bare;
            }
        }
    }

    /// <summary>"74 Diakou Street", "1987 74 Diakou Street", "36 rue de Pologne".</summary>
    private static (int, int)? NumberFirst(string text, List<AddressToken> tokens, int n, bool lowerCase)
    {
        var first = n + 1 < tokens.Count && tokens[n + 1].IsNumber && !tokens[n].Dotted ? n + 2 : n + 1;
        if (first < tokens.Count && tokens[first].IsWord && StreetWords.IsStreetPrefix(Word(text, tokens[first]))
            && first + 1 < tokens.Count && tokens[first + 1].IsWord && !tokens[first - 1].Dotted)
        {
            return (tokens[n].Start, EndOfWords(text, tokens, first + 1, lowerCase));
        }

        for (var k = first; k < tokens.Count && k <= first + MaxNameWords; k++)
        {
            var token = tokens[k];
            if (!token.IsWord || (k > first && tokens[k - 1].Dotted && !IsShort(tokens[k - 1])))
            {
                return null;
            }

            if (k > first && StreetWords.IsStreetType(Word(text, token)))
            {
                return (tokens[n].Start, token.End + (token.Dotted ? 1 : 0));
            }

            if (!IsNameWord(text, token, lowerCase))
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>"Via Roma 131", "Augsburger Strasse 36", "ul. Słowicza 10", "C. Beerninckstraat 88".</summary>
    private static (int, int)? NumberLast(string text, List<AddressToken> tokens, int n, bool lowerCase)
    {
        for (var k = n - 1; k >= 0 && k >= n - MaxNameWords; k--)
        {
            var token = tokens[k];
            if (!token.IsWord)
            {
                return null;
            }

            var word = Word(text, token);
            if (StreetWords.IsStreetPrefix(word))
            {
                return (token.Start, tokens[n].End);
            }

            if (StreetWords.HasStreetEnding(word) && (lowerCase || char.IsUpper(word[0])))
            {
                // Capitalised words just before belong to the street name ("Augsburger Strasse").
                var start = k;
                while (start > 0 && start > k - 2 && tokens[start - 1].IsWord && char.IsUpper(text[tokens[start - 1].Start])
                    && !CommonWords.IsStopWord(Word(text, tokens[start - 1])))
                {
                    start--;
                }

                return (tokens[start].Start, tokens[n].End);
            }

            if (!IsNameWord(text, token, lowerCase) && !IsShort(token))
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>"51709 Spinatsch 94 Apt. 615": accepted only with a unit or another address line after it.</summary>
    private static (int, int)? NumberNameNumber(string text, List<AddressToken> tokens, int n)
    {
        var k = n + 1 < tokens.Count && tokens[n + 1].IsNumber ? n + 2 : n + 1;
        if (k >= tokens.Count || !tokens[k].IsWord || !char.IsUpper(text[tokens[k].Start]))
        {
            return null;
        }

        for (var m = k + 1; m < tokens.Count && m <= k + MaxNameWords; m++)
        {
            if (tokens[m].IsNumber)
            {
                var end = tokens[m].End;
                var after = end + (tokens[m].Dotted ? 1 : 0);
                while (after < text.Length && text[after] is ' ' or ',' or '>' or '?')
                {
                    after++;
                }

                var newline = after < text.Length && text[after] == '\n';
                return AddressPatterns.Unit().IsMatch(text, newline ? after + 1 : after)
                    || (newline && AddressExtent.End(text, end, lowerCaseText: false) > after)
                    ? (tokens[n].Start, end)
                    : null;
            }

            if (!tokens[m].IsWord)
            {
                return null;
            }
        }

        return null;
    }

    private static int EndOfWords(string text, List<AddressToken> tokens, int from, bool lowerCase)
    {
        var end = tokens[from].End;
        for (var k = from + 1; k < tokens.Count && k <= from + MaxNameWords && tokens[k].IsWord && IsNameWord(text, tokens[k], lowerCase); k++)
        {
            end = tokens[k].End;
        }

        return end;
    }

    private static ReadOnlySpan<char> Word(string text, AddressToken token) => text.AsSpan(token.Start, token.End - token.Start);

    private static bool IsShort(AddressToken token) => token.End - token.Start <= 3;

    private static bool IsNameWord(string text, AddressToken token, bool lowerCase)
    {
        var c = text[token.Start];
        return (char.IsUpper(c) || char.IsDigit(c) || lowerCase || IsShort(token)) && !CommonWords.IsStopWord(Word(text, token)) || StreetWords.IsStreetType(Word(text, token));
    }
}
