namespace Parley.Server.Knowledge;

/// <summary>
/// Spelling-tolerant similarity between a question and the passages of one source (the entity under
/// discussion): cosine of character-trigram vectors, each trigram weighted by how rare it is among
/// that source's own passages (so "hotel" or "restaurant", in all of them, counts little). Typed and
/// spoken questions misspell or split the words a passage uses ("wif" for "wifi", "wi fi", "delver",
/// "ambient" for "ambience"), which word matching misses entirely; trigrams keep most of them.
/// Words are stemmed first ("parking" and "bring" share no suffix trigram). Stop words and the source's own name words are left out on both sides: they say which entity, not
/// what is asked about it. Adjacent words where one is one or two letters long are also joined
/// ("wi fi" gives "wifi", "t v" gives "tv"). Everything is computed from the query and the passages
/// in hand: no statistics are stored, no other tenant or source is read.
/// </summary>
public static class TrigramSimilarity
{
    /// <summary>One cosine (0-1) per passage, in the order given.</summary>
    public static double[] Score(string query, string sourceName, IReadOnlyList<(string Title, string Text)> passages)
    {
        var name = TextAnalysis.Words(sourceName).ToHashSet(StringComparer.Ordinal);
        var docs = passages.Select(p => Grams(Content(p.Title + " " + p.Text, name))).ToList();
        var df = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var doc in docs)
        {
            foreach (var gram in doc.Keys)
            {
                df[gram] = df.GetValueOrDefault(gram) + 1;
            }
        }

        double Weight(string gram) => Math.Log(1 + ((double)docs.Count / (1 + df.GetValueOrDefault(gram))));
        var q = Weigh(Grams(QueryWords(query, name)), Weight);
        var scores = new double[docs.Count];
        for (var d = 0; d < docs.Count; d++)
        {
            scores[d] = Cosine(q, Weigh(docs[d], Weight));
        }

        return scores;
    }

    /// <summary>The question's content words, then each adjacent pair where one is one or two letters long, joined ("wi fi" adds "wifi").</summary>
    internal static List<string> QueryWords(string query, IReadOnlySet<string> name)
    {
        var words = Content(query, name);
        var count = words.Count;
        for (var i = 0; i + 1 < count; i++)
        {
            if (words[i].Length <= 2 || words[i + 1].Length <= 2)
            {
                words.Add(words[i] + words[i + 1]);
            }
        }

        return words;
    }

    private static List<string> Content(string text, IReadOnlySet<string> name)
        => TextAnalysis.Words(text).Where(w => !TextAnalysis.IsStopWord(w) && !name.Contains(w)).ToList();

    private static Dictionary<string, int> Grams(IEnumerable<string> words)
    {
        var grams = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var word in words)
        {
            var padded = "#" + TextAnalysis.Stem(word) + "#";
            for (var i = 0; i + 3 <= padded.Length; i++)
            {
                var gram = padded.Substring(i, 3);
                grams[gram] = grams.GetValueOrDefault(gram) + 1;
            }
        }

        return grams;
    }

    private static Dictionary<string, double> Weigh(Dictionary<string, int> counts, Func<string, double> weight)
        => counts.ToDictionary(p => p.Key, p => p.Value * weight(p.Key), StringComparer.Ordinal);

    private static double Cosine(Dictionary<string, double> a, Dictionary<string, double> b)
    {
        double dot = 0, na = 0, nb = 0;
        foreach (var (gram, value) in a)
        {
            na += value * value;
            if (b.TryGetValue(gram, out var other))
            {
                dot += value * other;
            }
        }

        foreach (var value in b.Values)
        {
            nb += value * value;
        }

        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }
}
