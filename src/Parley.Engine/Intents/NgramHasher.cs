namespace Parley.Engine.Intents;

/// <summary>What n-grams the classifier looks at. Stored with a model so loading reproduces them.</summary>
public sealed record NgramSettings
{
    /// <summary>Longest word n-gram (1 = unigrams only). Bigrams see sentence start and end markers.</summary>
    public int MaxWordNgram { get; init; } = 2;

    /// <summary>Shortest character n-gram taken inside space-padded words.</summary>
    public int MinCharNgram { get; init; } = 3;

    /// <summary>Longest character n-gram; 0 turns character n-grams off.</summary>
    public int MaxCharNgram { get; init; } = 5;

    /// <summary>Weight of the character block against the word block (each is L2-normalised alone).</summary>
    public float CharBlockWeight { get; init; } = 1f;
}

/// <summary>
/// Hashes n-grams to 64-bit keys without building strings. FNV-1a is stable across processes and
/// machines (string.GetHashCode is randomised per process), and at 64 bits a collision among a few
/// hundred thousand n-grams is practically impossible, so the keys can stand in for the n-grams.
/// </summary>
internal static class NgramHasher
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;
    private const ulong WordFamily = 0x5750UL;
    private const ulong CharFamily = 0x4348UL;
    private const string Start = "\u0002";
    private const string End = "\u0003";

    public static void WordKeys(IReadOnlyList<string> tokens, int maxN, List<ulong> keys)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            keys.Add(Hash(Seed(WordFamily, 1), tokens[i]));
        }

        if (maxN < 2 || tokens.Count == 0)
        {
            return;
        }

        // Boundary markers let "<start> cancel" differ from "cancel" mid-sentence.
        var padded = new string[tokens.Count + 2];
        padded[0] = Start;
        padded[^1] = End;
        for (var i = 0; i < tokens.Count; i++)
        {
            padded[i + 1] = tokens[i];
        }

        for (var n = 2; n <= maxN; n++)
        {
            for (var i = 0; i + n <= padded.Length; i++)
            {
                var h = Seed(WordFamily, n);
                for (var k = 0; k < n; k++)
                {
                    h = Hash(h, padded[i + k]);
                    h = Step(h, ' ');
                }

                keys.Add(h);
            }
        }
    }

    /// <summary>Character n-grams of each word padded with spaces, as scikit-learn's char_wb does.</summary>
    public static void CharKeys(IReadOnlyList<string> tokens, int minN, int maxN, List<ulong> keys)
    {
        if (maxN <= 0)
        {
            return;
        }

        Span<char> buffer = stackalloc char[66];
        foreach (var token in tokens)
        {
            // Very long tokens (URLs, pasted ids) carry little intent; their head is enough.
            var length = Math.Min(token.Length, buffer.Length - 2);
            var word = buffer[..(length + 2)];
            word[0] = ' ';
            token.AsSpan(0, length).CopyTo(word[1..]);
            word[^1] = ' ';
            for (var n = minN; n <= maxN; n++)
            {
                if (word.Length <= n)
                {
                    keys.Add(Hash(Seed(CharFamily, n), word));
                    break;
                }

                for (var i = 0; i + n <= word.Length; i++)
                {
                    keys.Add(Hash(Seed(CharFamily, n), word.Slice(i, n)));
                }
            }
        }
    }

    private static ulong Seed(ulong family, int n) => Step(Step(OffsetBasis, (char)family), (char)n);

    private static ulong Hash(ulong h, ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            h = Step(h, c);
        }

        return h;
    }

    private static ulong Step(ulong h, char c)
    {
        h ^= (byte)c;
        h *= Prime;
        h ^= (byte)(c >> 8);
        return h * Prime;
    }
}
