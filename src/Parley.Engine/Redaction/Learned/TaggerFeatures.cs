using System.Globalization;
using System.Text;

namespace Parley.Engine.Redaction.Learned;

/// <summary>
/// The features of one token for <see cref="EntityTagger"/>, hashed to 32 bits (FNV-1a; collisions among the
/// few hundred thousand features of a model are rare and harmless). What a word looks like (shape,
/// capitalisation, prefixes, suffixes, digits), the words and shapes around it, whether it starts a line, and
/// the tags already given to the two tokens before it. No gazetteer: the context words that mark a company
/// ("Inc", "LLC", "works at"), a street ("St", "Apt", a house number) or a postcode ("ZIP", a state code) are
/// learned from neighbouring-word features.
/// </summary>
internal static class TaggerFeatures
{
    public const string Start = "<s>";
    public const string End = "</s>";
    public const string Rare = "<rare>";

    /// <summary>Per-token facts that do not depend on the tags, computed once per message.</summary>
    public sealed record Context(string[] Lower, string[] Words, string[] Shape, string[] ShortShape, bool[] LineStart, bool[] LineEnd, bool[] DigitLaterOnLine);

    /// <summary>
    /// Words outside <paramref name="vocabulary"/> (those seen fewer than a few times in training) appear to the
    /// word features as <see cref="Rare"/>: a name is then recognised by its shape and surroundings, not
    /// remembered, so the model does as well on new text as on the text it learned from.
    /// </summary>
    public static Context Prepare(string text, List<TaggerToken> tokens, IReadOnlySet<string> vocabulary)
    {
        var n = tokens.Count;
        var lower = new string[n];
        var words = new string[n];
        var shape = new string[n];
        var shortShape = new string[n];
        var lineStart = new bool[n];
        var lineEnd = new bool[n];
        for (var i = 0; i < n; i++)
        {
            var word = text[tokens[i].Start..tokens[i].End];
            lower[i] = word.ToLowerInvariant();
            words[i] = vocabulary.Contains(lower[i]) ? lower[i] : Rare;
            (shape[i], shortShape[i]) = Shapes(word);
            lineStart[i] = tokens[i].LineStart;
            lineEnd[i] = i == n - 1 || tokens[i + 1].LineStart;
        }

        // "86036 Rua do Arenque 1634": whether a number follows on the same line tells a building number
        // that precedes a street (its own span in the data) from a house number that ends one.
        var digitLater = new bool[n];
        for (int i = n - 2, seen = 0; i >= 0; i--)
        {
            seen = lineEnd[i] ? 0 : seen | (shortShape[i + 1].Contains('d') ? 1 : 0);
            digitLater[i] = seen == 1;
        }

        return new Context(lower, words, shape, shortShape, lineStart, lineEnd, digitLater);
    }

    /// <summary>Appends the hashed features of token <paramref name="i"/> given the tags of the two before it.</summary>
    public static void Extract(Context context, int i, string previousTag, string previousTag2, List<uint> features)
    {
        features.Clear();
        var w = context.Words[i];
        var raw = context.Lower[i];
        var s = context.Shape[i];
        var ss = context.ShortShape[i];
        var wm1 = Word(context, i - 1);
        var wm2 = Word(context, i - 2);
        var wp1 = Word(context, i + 1);
        var wp2 = Word(context, i + 2);
        var sm1 = ShortShape(context, i - 1);
        var sp1 = ShortShape(context, i + 1);
        Add(features, "b", "");
        Add(features, "w", w);
        Add(features, "s", s);
        Add(features, "ss", ss);
        Add(features, "p2", Prefix(raw, 2));
        Add(features, "p3", Prefix(raw, 3));
        Add(features, "x2", Suffix(raw, 2));
        Add(features, "x3", Suffix(raw, 3));
        Add(features, "x4", Suffix(raw, 4));
        Add(features, "len", Math.Min(raw.Length, 8).ToString(CultureInfo.InvariantCulture));
        Add(features, "w-1", wm1);
        Add(features, "w-2", wm2);
        Add(features, "w+1", wp1);
        Add(features, "w+2", wp2);
        Add(features, "w-1w", wm1 + " " + w);
        Add(features, "ww+1", w + " " + wp1);
        Add(features, "w-2w-1", wm2 + " " + wm1);
        Add(features, "w+1w+2", wp1 + " " + wp2);
        Add(features, "s-1", sm1);
        Add(features, "s+1", sp1);
        Add(features, "s-1s", sm1 + " " + ss);
        Add(features, "ss+1", ss + " " + sp1);
        Add(features, "s-1ss+1", sm1 + " " + ss + " " + sp1);
        Add(features, "s-2", ShortShape(context, i - 2));
        Add(features, "s+2", ShortShape(context, i + 2));
        Add(features, "ls", context.LineStart[i] ? "1" : "0");
        Add(features, "le", context.LineEnd[i] ? "1" : "0");
        Add(features, "lsss", (context.LineStart[i] ? "1" : "0") + ss);
        Add(features, "dlss", (context.DigitLaterOnLine[i] ? "1" : "0") + ss);
        Add(features, "s+1s+2s+3", sp1 + " " + ShortShape(context, i + 2) + " " + ShortShape(context, i + 3));
        Add(features, "t-1", previousTag);
        Add(features, "t-2t-1", previousTag2 + " " + previousTag);
        Add(features, "t-1ss", previousTag + " " + ss);
        Add(features, "t-1w", previousTag + " " + w);
        Add(features, "t-1w-1", previousTag + " " + wm1);
    }

    private static string Word(Context context, int i) => i < 0 ? Start : i >= context.Words.Length ? End : context.Words[i];

    private static string ShortShape(Context context, int i) => i < 0 ? Start : i >= context.ShortShape.Length ? End : context.ShortShape[i];

    private static string Prefix(string w, int n) => w.Length <= n ? w : w[..n];

    private static string Suffix(string w, int n) => w.Length <= n ? w : w[^n..];

    /// <summary>"Avenida" → ("Xxxxxxx" capped at 4 per run: "Xxxxx", short "Xx"); "33274" → ("ddddd", "d").</summary>
    private static (string Shape, string Short) Shapes(string word)
    {
        var shape = new StringBuilder(Math.Min(word.Length, 12));
        var shortShape = new StringBuilder(4);
        char last = '\0';
        var run = 0;
        foreach (var c in word)
        {
            var k = char.IsUpper(c) ? 'X' : char.IsLower(c) ? 'x' : char.IsDigit(c) ? 'd' : char.IsLetter(c) ? 'x' : c;
            run = k == last ? run + 1 : 1;
            if (run <= 4)
            {
                shape.Append(k);
            }

            if (k != last)
            {
                shortShape.Append(k);
            }

            last = k;
        }

        return (shape.ToString(), shortShape.ToString());
    }

    private static void Add(List<uint> features, string name, string value)
    {
        var h = 2166136261u;
        foreach (var c in name)
        {
            h = (h ^ c) * 16777619u;
        }

        h = (h ^ '=') * 16777619u;
        foreach (var c in value)
        {
            h = (h ^ (byte)c) * 16777619u;
            h = (h ^ (byte)(c >> 8)) * 16777619u;
        }

        features.Add(h);
    }
}
