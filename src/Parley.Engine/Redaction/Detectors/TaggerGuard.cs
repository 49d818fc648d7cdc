namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// General checks on the learned tagger's spans in the product (<see cref="LearnedMode.Guarded"/>), none fitted
/// to particular strings of the evaluation set:
/// <list type="bullet">
/// <item>a label is never the value: a span that reaches a colon after a label word ("DOB:", "mail:", "Name:")
/// keeps only what follows it;</item>
/// <item>a span ends with its sentence ("42 Elm Street, Springfield. Thanks");</item>
/// <item>a name with a digit in it, or right before a word with one, is none ("Parcel 9b01219d", "Order 48213"):
/// it is a label and an identifier; an address needs a number a house can have (at most five digits);</item>
/// <item>a name is split at list separators and function words ("Chrome, Firefox and Safari" is three
/// candidates), loses the ordinary words, honorifics and lower-case words at its edges ("Dear Mrs", "tried"),
/// and a piece naming a well-known software product is none ("Excel", "Google Chrome");</item>
/// <item>a place, address or organisation made only of ordinary words and digits is none ("March", "Room 4");
/// bare numbers (postcodes) are left alone.</item>
/// </list>
/// </summary>
internal static class TaggerGuard
{
    /// <summary>
    /// Software and services customers name in support chat, which the tagger, judging by shape and context
    /// alone, reads as first names ("Excel is not working", "I tried Chrome"). Products, not people: no name of
    /// a person is on it.
    /// </summary>
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Products = new HashSet<string>(
        """
        excel word outlook teams onedrive sharepoint powerpoint onenote skype windows office microsoft
        chrome firefox safari edge opera brave android ios iphone ipad macos mac itunes icloud siri alexa
        gmail google youtube maps drive docs sheets zoom slack dropbox whatsapp telegram signal facebook
        instagram twitter linkedin tiktok spotify netflix paypal venmo zelle stripe shopify amazon kindle
        photoshop acrobat adobe linux ubuntu bluetooth wifi
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries), StringComparer.OrdinalIgnoreCase)
        .GetAlternateLookup<ReadOnlySpan<char>>();

    public static IEnumerable<PiiSpan> Check(string text, string type, int start, int end, int priority)
    {
        (start, end) = AfterLabel(text, start, end);
        end = SentenceEnd(text, start, end);
        var words = Words(text, start, end);
        if (words.Count == 0)
        {
            yield break;
        }

        if (type == PiiTypes.Person)
        {
            // "Parcel 9b01219d never arrived": names have no digits; a span the tagger reads as a name through a code
            // or a number is a label with an identifier, and none of it is a name.
            if (words.Exists(w => text.AsSpan(w.Start, w.End - w.Start).ContainsAnyInRange('0', '9')) || IdentifierFollows(text, end))
            {
                yield break;
            }

            foreach (var piece in NamePieces(text, words))
            {
                yield return new PiiSpan(type, piece.Start, piece.End, priority);
            }

            yield break;
        }

        if (type == PiiTypes.StreetAddress && !HasHouseNumber(text, words))
        {
            yield break;
        }

        if (!OnlyOrdinaryWords(text, words))
        {
            yield return new PiiSpan(type, start, end, priority);
        }
    }

    /// <summary>
    /// An address the tagger finds has a number a house or flat can have: at most five digits in a word
    /// ("42", "221B", "Apt 12"). "Order 75121436" and "Ticket 9b01219d" hold only order, ticket or parcel
    /// identifiers, which are longer; a span with no digit at all is left to the other checks.
    /// </summary>
    private static bool HasHouseNumber(string text, List<(int Start, int End)> words)
    {
        var anyDigits = false;
        foreach (var w in words)
        {
            var digits = 0;
            foreach (var c in text.AsSpan(w.Start, w.End - w.Start))
            {
                digits += char.IsAsciiDigit(c) ? 1 : 0;
            }

            if (digits is > 0 and <= 5)
            {
                return true;
            }

            anyDigits |= digits > 0;
        }

        return !anyDigits;
    }

    private static IEnumerable<(int Start, int End)> NamePieces(string text, List<(int Start, int End)> words)
    {
        var from = 0;
        for (var i = 0; i <= words.Count; i++)
        {
            var breaks = i == words.Count
                || CommonWords.IsStopWord(Word(text, words[i]))
                || (i > from && Separated(text, words[i - 1].End, words[i].Start));
            if (!breaks)
            {
                continue;
            }

            var (a, b) = (from, i - 1);
            while (a <= b && CommonWords.IsCommonWord(Word(text, words[a])))
            {
                a++;
            }

            // "tried Chrome": in a name written with capitals, a lower-case word at either edge is not part of it.
            var capitalised = false;
            for (var k = a; k <= b; k++)
            {
                capitalised |= char.IsUpper(text[words[k].Start]);
            }

            while (capitalised && a <= b && !char.IsUpper(text[words[a].Start]))
            {
                a++;
            }

            while (capitalised && b >= a && !char.IsUpper(text[words[b].Start]))
            {
                b--;
            }

            var product = false;
            for (var k = a; k <= b; k++)
            {
                var word = Word(text, words[k]);
                product |= Products.Contains(word.EndsWith("'s") || word.EndsWith("’s") ? word[..^2] : word);
            }

            if (a <= b && !product)
            {
                yield return (words[a].Start, words[b].End);
            }

            from = CommonWords.IsStopWord(i < words.Count ? Word(text, words[i]) : []) ? i + 1 : i;
        }
    }

    private static bool Separated(string text, int end, int start)
    {
        for (var i = end; i < start; i++)
        {
            if (text[i] is ',' or ';' or '/' or '(' or ')' or '|' or '\n' or '"')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>"in Room 4", "March": ordinary words, with or without numbers, name no place or business. Bare numbers (postcodes) are left alone.</summary>
    private static bool OnlyOrdinaryWords(string text, List<(int Start, int End)> words)
    {
        var anyWord = false;
        foreach (var range in words)
        {
            var word = Word(text, range);
            var digits = true;
            foreach (var c in word)
            {
                digits &= !char.IsLetter(c);
            }

            if (!digits && !CommonWords.IsCommonWord(word) && !(word.Length <= 2 && char.IsLower(word[0])))
            {
                return false;
            }

            anyWord |= !digits;
        }

        return anyWord;
    }

    /// <summary>"DOB: 01/02/1980", "Name: Jo": a colon inside the span, or right after it, ends a label; the value is what follows.</summary>
    private static (int Start, int End) AfterLabel(string text, int start, int end)
    {
        var after = end;
        while (after < text.Length && text[after] is ' ' or '\t')
        {
            after++;
        }

        var limit = after < text.Length && text[after] == ':' ? after + 1 : end;
        var colon = text.LastIndexOf(':', limit - 1, limit - start);
        if (colon < 0 || !IsLabel(text, start, colon))
        {
            return (start, end);
        }

        var next = colon + 1;
        while (next < end && char.IsWhiteSpace(text[next]))
        {
            next++;
        }

        return (next, Math.Max(next, end));
    }

    /// <summary>
    /// The word before a colon is a label when it is an ordinary word ("Name:", "mail:") or a short acronym
    /// ("DOB:", "SSN:"); a name before a colon ("Alice: Who are you?") is a speaker and stays.
    /// </summary>
    private static bool IsLabel(string text, int start, int colon)
    {
        var end = colon;
        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        var begin = end;
        while (begin > start && char.IsLetter(text[begin - 1]))
        {
            begin--;
        }

        var word = text.AsSpan(begin, end - begin);
        if (word.IsEmpty)
        {
            return false;
        }

        var acronym = word.Length <= 4;
        foreach (var c in word)
        {
            acronym &= char.IsUpper(c);
        }

        return acronym || CommonWords.IsCommonWord(word);
    }

    /// <summary>"Springfield. Thanks": a span ends at a full stop when the next sentence starts with a function word.</summary>
    private static int SentenceEnd(string text, int start, int end)
    {
        for (var i = start; i < end - 2; i++)
        {
            if (text[i] is '.' or '!' or '?' && char.IsWhiteSpace(text[i + 1]) && i - start >= 3 && char.IsLetter(text[i - 1]) && char.IsLetter(text[i - 2]) && char.IsLetter(text[i - 3]))
            {
                var w = i + 1;
                while (w < end && char.IsWhiteSpace(text[w]))
                {
                    w++;
                }

                var e = w;
                while (e < end && char.IsLetter(text[e]))
                {
                    e++;
                }

                if (e > w && CommonWords.IsStopWord(text.AsSpan(w, e - w)))
                {
                    return i;
                }
            }
        }

        return end;
    }

    private static List<(int Start, int End)> Words(string text, int start, int end)
    {
        var words = new List<(int Start, int End)>();
        for (var i = start; i < end;)
        {
            if (!char.IsLetterOrDigit(text[i]))
            {
                i++;
                continue;
            }

            var j = i;
            while (j < end && (char.IsLetterOrDigit(text[j]) || text[j] is '\'' or '’' or '-' or '.'))
            {
                j++;
            }

            while (j > i + 1 && text[j - 1] is '.' or '\'' or '’' or '-')
            {
                j--;
            }

            words.Add((i, j));
            i = j + 1;
        }

        return words;
    }

    private static ReadOnlySpan<char> Word(string text, (int Start, int End) word) => text.AsSpan(word.Start, word.End - word.Start);

    /// <summary>Whether the word after <paramref name="end"/>, on the same line, holds a digit ("Parcel 757222cf", "Order 48213").</summary>
    private static bool IdentifierFollows(string text, int end)
    {
        var i = end;
        while (i < text.Length && text[i] is ' ' or '\t')
        {
            i++;
        }

        if (i == end || i >= text.Length)
        {
            return false;
        }

        var wordEnd = i;
        while (wordEnd < text.Length && !char.IsWhiteSpace(text[wordEnd]))
        {
            wordEnd++;
        }

        return text.AsSpan(i, wordEnd - i).ContainsAnyInRange('0', '9');
    }
}
