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
    /// <remarks>
    /// Each feature is the hash of <c>name=value</c>, where a value of several parts is those parts joined by
    /// spaces; the parts are hashed where they lie rather than joined into a new string first (a chat turn tags
    /// every message). The hashes are those of the joined strings, which the shipped model was trained with.
    /// </remarks>
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
        var ls = context.LineStart[i] ? "1" : "0";
        features.Add(Names.Bias);
        features.Add(Feed(Names.W, w));
        features.Add(Feed(Names.S, s));
        features.Add(Feed(Names.Ss, ss));
        features.Add(Feed(Names.P2, Prefix(raw, 2)));
        features.Add(Feed(Names.P3, Prefix(raw, 3)));
        features.Add(Feed(Names.X2, Suffix(raw, 2)));
        features.Add(Feed(Names.X3, Suffix(raw, 3)));
        features.Add(Feed(Names.X4, Suffix(raw, 4)));
        features.Add(Feed(Names.Len, Lengths[Math.Min(raw.Length, 8)]));
        features.Add(Feed(Names.Wm1, wm1));
        features.Add(Feed(Names.Wm2, wm2));
        features.Add(Feed(Names.Wp1, wp1));
        features.Add(Feed(Names.Wp2, wp2));
        features.Add(Feed(Names.Wm1W, wm1, w));
        features.Add(Feed(Names.WWp1, w, wp1));
        features.Add(Feed(Names.Wm2Wm1, wm2, wm1));
        features.Add(Feed(Names.Wp1Wp2, wp1, wp2));
        features.Add(Feed(Names.Sm1, sm1));
        features.Add(Feed(Names.Sp1, sp1));
        features.Add(Feed(Names.Sm1S, sm1, ss));
        features.Add(Feed(Names.SsSp1, ss, sp1));
        features.Add(Feed(Names.Sm1SsSp1, sm1, ss, sp1));
        features.Add(Feed(Names.Sm2, ShortShape(context, i - 2)));
        features.Add(Feed(Names.Sp2, ShortShape(context, i + 2)));
        features.Add(Feed(Names.Ls, ls));
        features.Add(Feed(Names.Le, context.LineEnd[i] ? "1" : "0"));
        features.Add(Feed(Feed(Names.LsSs, ls), ss));
        features.Add(Feed(Feed(Names.DlSs, context.DigitLaterOnLine[i] ? "1" : "0"), ss));
        features.Add(Feed(Names.Sp1Sp2Sp3, sp1, ShortShape(context, i + 2), ShortShape(context, i + 3)));
        features.Add(Feed(Names.Tm1, previousTag));
        features.Add(Feed(Names.Tm2Tm1, previousTag2, previousTag));
        features.Add(Feed(Names.Tm1Ss, previousTag, ss));
        features.Add(Feed(Names.Tm1W, previousTag, w));
        features.Add(Feed(Names.Tm1Wm1, previousTag, wm1));
    }

    private static string Word(Context context, int i) => i < 0 ? Start : i >= context.Words.Length ? End : context.Words[i];

    private static string ShortShape(Context context, int i) => i < 0 ? Start : i >= context.ShortShape.Length ? End : context.ShortShape[i];

    private static ReadOnlySpan<char> Prefix(string w, int n) => w.Length <= n ? w : w.AsSpan(0, n);

    private static ReadOnlySpan<char> Suffix(string w, int n) => w.Length <= n ? w : w.AsSpan(w.Length - n);

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

    private static readonly string[] Lengths = [.. Enumerable.Range(0, 9).Select(n => n.ToString(CultureInfo.InvariantCulture))];

    private static uint Name(string name)
    {
        var h = 2166136261u;
        foreach (var c in name)
        {
            h = (h ^ c) * 16777619u;
        }

        return (h ^ '=') * 16777619u;
    }

    private static uint Feed(uint h, ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            h = (h ^ (byte)c) * 16777619u;
            h = (h ^ (byte)(c >> 8)) * 16777619u;
        }

        return h;
    }

    private static uint Feed(uint h, string a, string b) => Feed(Feed(Feed(h, a), " "), b);

    private static uint Feed(uint h, string a, string b, string c) => Feed(Feed(Feed(Feed(Feed(h, a), " "), b), " "), c);

    /// <summary>The hashed <c>name=</c> of every feature, computed once.</summary>
    private static class Names
    {
        public static readonly uint Bias = Name("b");
        public static readonly uint W = Name("w");
        public static readonly uint S = Name("s");
        public static readonly uint Ss = Name("ss");
        public static readonly uint P2 = Name("p2");
        public static readonly uint P3 = Name("p3");
        public static readonly uint X2 = Name("x2");
        public static readonly uint X3 = Name("x3");
        public static readonly uint X4 = Name("x4");
        public static readonly uint Len = Name("len");
        public static readonly uint Wm1 = Name("w-1");
        public static readonly uint Wm2 = Name("w-2");
        public static readonly uint Wp1 = Name("w+1");
        public static readonly uint Wp2 = Name("w+2");
        public static readonly uint Wm1W = Name("w-1w");
        public static readonly uint WWp1 = Name("ww+1");
        public static readonly uint Wm2Wm1 = Name("w-2w-1");
        public static readonly uint Wp1Wp2 = Name("w+1w+2");
        public static readonly uint Sm1 = Name("s-1");
        public static readonly uint Sp1 = Name("s+1");
        public static readonly uint Sm1S = Name("s-1s");
        public static readonly uint SsSp1 = Name("ss+1");
        public static readonly uint Sm1SsSp1 = Name("s-1ss+1");
        public static readonly uint Sm2 = Name("s-2");
        public static readonly uint Sp2 = Name("s+2");
        public static readonly uint Ls = Name("ls");
        public static readonly uint Le = Name("le");
        public static readonly uint LsSs = Name("lsss");
        public static readonly uint DlSs = Name("dlss");
        public static readonly uint Sp1Sp2Sp3 = Name("s+1s+2s+3");
        public static readonly uint Tm1 = Name("t-1");
        public static readonly uint Tm2Tm1 = Name("t-2t-1");
        public static readonly uint Tm1Ss = Name("t-1ss");
        public static readonly uint Tm1W = Name("t-1w");
        public static readonly uint Tm1Wm1 = Name("t-1w-1");
    }
}
