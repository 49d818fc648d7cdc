namespace Parley.Engine.Intents;

/// <summary>A sparse feature vector: ascending indices and their values.</summary>
internal readonly record struct SparseVector(int[] Indices, float[] Values);

/// <summary>
/// TF-IDF over hashed n-grams: sublinear term frequency (1 + ln tf), smoothed idf, and the word and
/// character blocks each L2-normalised so neither drowns the other (a message has several times
/// more character n-grams than word n-grams).
/// </summary>
internal sealed class Featurizer
{
    private readonly Dictionary<ulong, int> index;

    public Featurizer(NgramSettings settings, ulong[] keys, float[] idf, int wordFeatureCount)
    {
        Settings = settings;
        Keys = keys;
        Idf = idf;
        WordFeatureCount = wordFeatureCount;
        UnknownIdf = idf.Length > 0 ? idf.Max() : 1f;
        index = new Dictionary<ulong, int>(keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            index[keys[i]] = i;
        }
    }

    public NgramSettings Settings { get; }

    /// <summary>Hashed n-gram per feature: word features first, then character features.</summary>
    public ulong[] Keys { get; }

    public float[] Idf { get; }

    public int WordFeatureCount { get; }

    /// <summary>Stands in for the idf of n-grams never seen in training: the highest in the vocabulary.</summary>
    public float UnknownIdf { get; }

    public int Count => Keys.Length;

    /// <summary>Builds the vocabulary from training texts, keeping n-grams seen in at least <paramref name="minDocumentFrequency"/> of them.</summary>
    public static Featurizer Fit(IReadOnlyList<string> texts, NgramSettings settings, int minDocumentFrequency)
    {
        var wordDf = new Dictionary<ulong, int>();
        var charDf = new Dictionary<ulong, int>();
        var words = new List<ulong>();
        var chars = new List<ulong>();
        foreach (var text in texts)
        {
            Extract(text, settings, words, chars);
            CountDistinct(words, wordDf);
            CountDistinct(chars, charDf);
        }

        // Sorted keys make the feature order, and so training, independent of dictionary order.
        var wordKeys = wordDf.Where(p => p.Value >= minDocumentFrequency).Select(p => p.Key).Order().ToArray();
        var charKeys = charDf.Where(p => p.Value >= minDocumentFrequency).Select(p => p.Key).Order().ToArray();
        var keys = wordKeys.Concat(charKeys).ToArray();
        var idf = new float[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            var df = i < wordKeys.Length ? wordDf[keys[i]] : charDf[keys[i]];
            idf[i] = (float)(Math.Log((1.0 + texts.Count) / (1.0 + df)) + 1.0);
        }

        return new Featurizer(settings, keys, idf, wordKeys.Length);
    }

    public SparseVector Transform(string text)
    {
        var words = new List<ulong>();
        var chars = new List<ulong>();
        Extract(text, Settings, words, chars);
        var entries = new List<(int Index, float Value)>(words.Count + chars.Count);
        AddBlock(words, 1f, entries);
        AddBlock(chars, Settings.CharBlockWeight, entries);
        entries.Sort((a, b) => a.Index.CompareTo(b.Index));
        return new SparseVector(entries.Select(e => e.Index).ToArray(), entries.Select(e => e.Value).ToArray());
    }

    private void AddBlock(List<ulong> keys, float weight, List<(int Index, float Value)> entries)
    {
        keys.Sort();
        var start = entries.Count;
        var sumSquares = 0.0;
        for (var i = 0; i < keys.Count;)
        {
            var run = 1;
            while (i + run < keys.Count && keys[i + run] == keys[i])
            {
                run++;
            }

            var tf = (float)(1.0 + Math.Log(run));
            if (index.TryGetValue(keys[i], out var feature))
            {
                var value = tf * Idf[feature];
                entries.Add((feature, value));
                sumSquares += value * value;
            }
            else
            {
                // Unknown n-grams have no weight to meet but still count toward the length, so a message
                // that is mostly new words keeps a short vector and a hesitant answer (out of scope).
                sumSquares += tf * UnknownIdf * tf * UnknownIdf;
            }

            i += run;
        }

        if (sumSquares > 0)
        {
            var scale = (float)(weight / Math.Sqrt(sumSquares));
            for (var i = start; i < entries.Count; i++)
            {
                entries[i] = (entries[i].Index, entries[i].Value * scale);
            }
        }
    }

    private static void Extract(string text, NgramSettings settings, List<ulong> words, List<ulong> chars)
    {
        words.Clear();
        chars.Clear();
        var tokens = TextNormalizer.Tokenize(text);
        NgramHasher.WordKeys(tokens, settings.MaxWordNgram, words);
        NgramHasher.CharKeys(tokens, settings.MinCharNgram, settings.MaxCharNgram, chars);
    }

    private static void CountDistinct(List<ulong> keys, Dictionary<ulong, int> df)
    {
        foreach (var key in keys.Distinct())
        {
            df[key] = df.GetValueOrDefault(key) + 1;
        }
    }
}
