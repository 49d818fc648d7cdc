using System.Text;

namespace Parley.Server.Knowledge;

/// <summary>
/// The word handling shared by the index, the query builder and the confidence measure: lower-case
/// letter/digit runs, English stop words (and spoken fillers) dropped from queries, a light suffix
/// stemmer for matching (the index itself stems with Porter), and codes such as <c>AB-123</c> kept
/// whole as phrases.
/// </summary>
public static class TextAnalysis
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been",
        "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during",
        "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how",
        "i", "if", "in", "into", "is", "it", "its", "itself", "just", "know", "let", "like", "me", "more", "most", "my", "no", "nor",
        "not", "now", "of", "off", "ok", "okay", "on", "once", "only", "or", "other", "our", "ours", "out", "over", "own", "please",
        "same", "she", "should", "so", "some", "such", "tell", "than", "thank", "thanks", "that", "the", "their", "them", "then",
        "there", "these", "they", "this", "those", "through", "to", "too", "uh", "um", "umm", "under", "until", "up", "us", "very",
        "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "yes", "you",
        "your", "yours", "great", "hi", "hello", "hey", "oh", "well", "want", "need", "s", "t", "d", "ll", "re", "ve", "m",
    };

    public static bool IsStopWord(string word) => StopWords.Contains(word);

    /// <summary>Lower-case letter/digit runs.</summary>
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                current.Append(char.ToLowerInvariant(c));
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words;
    }

    /// <summary>
    /// Query terms: each whitespace-separated token becomes its word runs; a token made of several
    /// runs (a code like <c>AB-123</c> or <c>v2.1</c>) stays one phrase; single stop words are dropped.
    /// </summary>
    public static List<string[]> QueryTerms(string query)
    {
        var terms = new List<string[]>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var words = Words(token);
            if (words.Count == 0 || (words.Count == 1 && IsStopWord(words[0])))
            {
                continue;
            }

            // "what's" / "don't" are one word with a clitic, not a code.
            if (words.Count == 2 && words[1] is "s" or "t" or "d" or "ll" or "re" or "ve" or "m")
            {
                if (IsStopWord(words[0]))
                {
                    continue;
                }

                words = [words[0]];
            }

            if (seen.Add(string.Join(' ', words)))
            {
                terms.Add([.. words]);
            }
        }

        return terms;
    }

    /// <summary>An FTS5 MATCH expression: any term (OR), each quoted so no query syntax leaks through.</summary>
    public static string? Fts5Match(IReadOnlyList<string[]> terms)
        => terms.Count == 0 ? null : string.Join(" OR ", terms.Select(t => "\"" + string.Join(' ', t) + "\""));

    /// <summary>
    /// A PostgreSQL to_tsquery expression over the single words (any of them); codes are matched by
    /// <see cref="Codes"/> through phraseto_tsquery, which splits them exactly as the index did.
    /// </summary>
    public static string? TsQuery(IReadOnlyList<string[]> terms)
        => terms.Any(t => t.Length == 1) ? string.Join(" | ", terms.Where(t => t.Length == 1).Select(t => t[0])) : null;

    /// <summary>Tokens made of several letter/digit runs (AB-123, v2.1), as typed, edge punctuation trimmed.</summary>
    public static List<string> Codes(string query)
        => query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(t => t.Trim('.', ',', ';', ':', '!', '?', '(', ')', '"', '\''))
            .Where(t => Words(t) is { Count: >= 2 } w && !(w.Count == 2 && w[1] is "s" or "t" or "d" or "ll" or "re" or "ve" or "m"))
            .Distinct(StringComparer.OrdinalIgnoreCase).Take(10).ToList();

    /// <summary>A light stem (plural, -ing, -ed, -ly) used only to compare words, never stored.</summary>
    public static string Stem(string word)
    {
        if (word.Length <= 3 || word.All(char.IsDigit))
        {
            return word;
        }

        foreach (var suffix in (string[])["ies", "ing", "ed", "ly", "es", "s"])
        {
            if (word.EndsWith(suffix, StringComparison.Ordinal) && word.Length - suffix.Length >= 3)
            {
                var stem = word[..^suffix.Length];
                return suffix == "ies" ? stem + "y" : stem;
            }
        }

        return word;
    }

    /// <summary>Share of the query's terms (a phrase counts as its words) found in the text.</summary>
    public static double Coverage(IReadOnlyList<string[]> terms, string text)
    {
        if (terms.Count == 0)
        {
            return 0;
        }

        var words = Words(text).Select(Stem).ToHashSet(StringComparer.Ordinal);
        var found = terms.Count(t => t.All(w => words.Contains(Stem(w))));
        return (double)found / terms.Count;
    }
}
