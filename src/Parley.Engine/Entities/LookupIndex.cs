namespace Parley.Engine.Entities;

/// <summary>
/// The tenant's lookup lists as one dictionary of normalised phrases, matched word by word so that
/// "pro" never matches inside "product" and any run of spaces or punctuation between words counts as one.
/// </summary>
internal sealed class LookupIndex
{
    // Longest phrase we look up, in characters; longer values could never be matched by the stack buffer.
    private const int MaxPhraseLength = 256;

    private readonly Dictionary<string, Hit>.AlternateLookup<ReadOnlySpan<char>> phrases;
    private readonly int maxWords;

    public LookupIndex(IReadOnlyDictionary<string, IReadOnlyList<LookupEntry>> lists)
    {
        var byPhrase = new Dictionary<string, Hit>(StringComparer.OrdinalIgnoreCase);
        foreach (var (type, entries) in lists)
        {
            foreach (var entry in entries)
            {
                // The canonical value goes in before its synonyms so that it wins a clash.
                AddPhrase(byPhrase, entry.Value, new Hit(type, entry.Value, 0.95));
                foreach (var synonym in entry.Synonyms)
                {
                    AddPhrase(byPhrase, synonym, new Hit(type, entry.Value, 0.9));
                }
            }
        }

        phrases = byPhrase.GetAlternateLookup<ReadOnlySpan<char>>();
        maxWords = byPhrase.Count == 0 ? 0 : byPhrase.Keys.Max(k => k.Count(' ') + 1);
    }

    public void Find(string text, List<Candidate> into)
    {
        if (maxWords == 0)
        {
            return;
        }

        var words = Words(text);
        Span<char> key = stackalloc char[MaxPhraseLength];
        for (var first = 0; first < words.Count; first++)
        {
            // Longest phrase first: "pro plan" beats "pro" starting at the same word.
            for (var last = Math.Min(words.Count, first + maxWords) - 1; last >= first; last--)
            {
                var length = Join(text, words, first, last, key);
                if (length > 0 && phrases.TryGetValue(key[..length], out var hit))
                {
                    var (start, end) = (words[first].Start, words[last].End);
                    into.Add(Candidate.Of(text, hit.Type, start, end, hit.Value, hit.Confidence));
                    break;
                }
            }
        }
    }

    private static void AddPhrase(Dictionary<string, Hit> byPhrase, string phrase, Hit hit)
    {
        var words = Words(phrase);
        Span<char> key = stackalloc char[MaxPhraseLength];
        var length = words.Count == 0 ? 0 : Join(phrase, words, 0, words.Count - 1, key);
        if (length > 0)
        {
            byPhrase.TryAdd(key[..length].ToString(), hit);
        }
    }

    private static int Join(string text, List<(int Start, int End)> words, int first, int last, Span<char> key)
    {
        var length = 0;
        for (var i = first; i <= last; i++)
        {
            var word = text.AsSpan(words[i].Start, words[i].End - words[i].Start);
            var needed = word.Length + (i > first ? 1 : 0);
            if (length + needed > key.Length)
            {
                return 0;
            }

            if (i > first)
            {
                key[length++] = ' ';
            }

            word.CopyTo(key[length..]);
            length += word.Length;
        }

        return length;
    }

    // A word is a run of letters and digits, with trailing '+' or '#' kept so that "C++" and "C#" stay
    // themselves rather than both becoming "C".
    private static List<(int Start, int End)> Words(string text)
    {
        var words = new List<(int, int)>();
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetterOrDigit(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && char.IsLetterOrDigit(text[i])) i++;
            while (i < text.Length && text[i] is '+' or '#') i++;
            words.Add((start, i));
        }

        return words;
    }

    private sealed record Hit(string Type, string Value, double Confidence);
}
