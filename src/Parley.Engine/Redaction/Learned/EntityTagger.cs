using System.IO.Compression;
using System.Text;
using Parley.Engine.Intents;

namespace Parley.Engine.Redaction.Learned;

/// <summary>One labelled text to learn from: character spans with Parley type names.</summary>
public sealed record TaggerExample(string Text, IReadOnlyList<(string Type, int Start, int End)> Spans);

/// <summary>A tagged span: <paramref name="Tokens"/> tagger tokens long, <paramref name="Margin"/> as in <see cref="EntityTagger.TagScored"/>.</summary>
public readonly record struct TaggedSpan(string Type, int Start, int End, int Tokens, float Margin);

/// <summary>
/// A small learned sequence tagger for the PII that rules cannot list: organisations, street addresses,
/// places, postcodes and names. Greedy left-to-right BIO tagging with an averaged perceptron (Collins 2002)
/// over <see cref="TaggerFeatures"/>; an inside tag may only follow its own type. Training is seeded and
/// deterministic. The model Parley ships (<see cref="Shipped"/>) is an embedded resource written by
/// <c>eval pii --write-model</c>; immutable and thread-safe once built.
/// </summary>
public sealed class EntityTagger
{
    private const string Outside = "O";
    private const uint Magic = 0x47415450; // "PTAG"
    private const int FormatVersion = 1;
    private const string ResourceName = "Parley.Engine.Redaction.Learned.pii-tagger.bin";

    private static readonly Lazy<EntityTagger?> ShippedModel = new(LoadShipped);

    private readonly string[] labels;
    private readonly string?[] labelTypes;
    private readonly bool[] isInside;
    private readonly Dictionary<uint, float[]> weights;
    private readonly HashSet<string> vocabulary;

    private EntityTagger(string[] labels, HashSet<string> vocabulary, Dictionary<uint, float[]> weights)
    {
        this.labels = labels;
        this.vocabulary = vocabulary;
        this.weights = weights;
        labelTypes = labels.Select(l => l == Outside ? null : l[2..]).ToArray();
        isInside = labels.Select(l => l.StartsWith("I-", StringComparison.Ordinal)).ToArray();
    }

    /// <summary>The model Parley ships, trained on half A of presidio-research's synthetic set; null if the build has none.</summary>
    public static EntityTagger? Shipped => ShippedModel.Value;

    /// <summary>The Parley types this model can tag.</summary>
    public IReadOnlyList<string> Types => labelTypes.OfType<string>().Distinct().ToList();

    /// <summary>Number of features with a weight: the size of the model.</summary>
    public int FeatureCount => weights.Count;

    /// <summary>Spans of the tagged types in <paramref name="text"/>, in order.</summary>
    public List<(string Type, int Start, int End)> Tag(string text) =>
        TagScored(text).ConvertAll(s => (s.Type, s.Start, s.End));

    /// <summary>
    /// As <see cref="Tag"/>, with each span's margin: the smallest, over its tokens, of how far the chosen tag's
    /// score is above the score of "outside". A span the model barely preferred has a margin near 0.
    /// </summary>
    public List<TaggedSpan> TagScored(string text)
    {
        var tokens = TaggerTokens.Split(text);
        var spans = new List<TaggedSpan>();
        if (tokens.Count == 0)
        {
            return spans;
        }

        var margins = new float[tokens.Count];
        var tags = Decode(TaggerFeatures.Prepare(text, tokens, vocabulary), tokens.Count, null, null, margins);
        var open = -1;
        var margin = float.MaxValue;
        for (var i = 0; i <= tokens.Count; i++)
        {
            var tag = i < tokens.Count ? tags[i] : 0;
            if (open >= 0 && (i == tokens.Count || !isInside[tag] || labelTypes[tag] != labelTypes[tags[open]]))
            {
                spans.Add(new TaggedSpan(labelTypes[tags[open]]!, tokens[open].Start, tokens[i - 1].End, i - open, margin));
                open = -1;
            }

            if (i < tokens.Count && labelTypes[tag] is not null && open < 0)
            {
                open = i;
                margin = float.MaxValue;
            }

            if (open >= 0 && i < tokens.Count)
            {
                margin = Math.Min(margin, margins[i]);
            }
        }

        return spans;
    }

    /// <summary>
    /// Trains on <paramref name="examples"/> for the given Parley types (every other span is outside).
    /// Same examples, types, epochs and seed: the same model.
    /// </summary>
    public static EntityTagger Train(IReadOnlyList<TaggerExample> examples, IReadOnlyList<string> types, int epochs = 20, int seed = 17, int minWordCount = 3)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        var labels = new List<string> { Outside };
        foreach (var type in types)
        {
            labels.Add("B-" + type);
            labels.Add("I-" + type);
        }

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var example in examples)
        {
            foreach (var token in TaggerTokens.Split(example.Text))
            {
                var word = example.Text[token.Start..token.End].ToLowerInvariant();
                counts[word] = counts.GetValueOrDefault(word) + 1;
            }
        }

        var vocabulary = counts.Where(p => p.Value >= minWordCount).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var prepared = examples.Select(e => Prepare(e, labels, vocabulary)).Where(p => p.Tokens.Count > 0).ToArray();
        var trainer = new AveragedPerceptron(labels.Count);
        var model = new EntityTagger([.. labels], vocabulary, trainer.Weights);
        var random = new SplitMix64(seed);
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(prepared);
            foreach (var item in prepared)
            {
                model.Decode(item.Context, item.Tokens.Count, (features, predicted, gold) => trainer.Update(features, predicted, gold), item.Gold);
            }
        }

        return new EntityTagger([.. labels], vocabulary, trainer.Averaged());
    }

    private static (List<TaggerToken> Tokens, TaggerFeatures.Context Context, int[] Gold) Prepare(TaggerExample example, List<string> labels, HashSet<string> vocabulary)
    {
        var tokens = TaggerTokens.Split(example.Text);
        var gold = new int[tokens.Count];
        for (var i = 0; i < tokens.Count; i++)
        {
            foreach (var (type, start, end) in example.Spans)
            {
                if (tokens[i].Start >= start && tokens[i].Start < end && labels.IndexOf("B-" + type) is var b && b > 0)
                {
                    gold[i] = i > 0 && tokens[i - 1].Start >= start && tokens[i - 1].Start < end ? b + 1 : b;
                    break;
                }
            }
        }

        return (tokens, TaggerFeatures.Prepare(example.Text, tokens, vocabulary), gold);
    }

    /// <summary>Greedy decoding; while training, <paramref name="update"/> sees each token's features, prediction and gold tag.</summary>
    private int[] Decode(TaggerFeatures.Context context, int count, Action<List<uint>, int, int>? update, int[]? gold = null, float[]? margins = null)
    {
        var tags = new int[count];
        var features = new List<uint>(40);
        var scores = new float[labels.Length];
        for (var i = 0; i < count; i++)
        {
            var previous = i > 0 ? labels[tags[i - 1]] : TaggerFeatures.Start;
            var previous2 = i > 1 ? labels[tags[i - 2]] : TaggerFeatures.Start;
            TaggerFeatures.Extract(context, i, previous, previous2, features);
            Array.Clear(scores);
            foreach (var f in features)
            {
                if (weights.TryGetValue(f, out var w))
                {
                    for (var l = 0; l < scores.Length; l++)
                    {
                        scores[l] += w[l];
                    }
                }
            }

            var best = 0;
            for (var l = 1; l < scores.Length; l++)
            {
                // An inside tag continues a span of its own type; anything else would be an ill-formed sequence.
                var allowed = !isInside[l] || (i > 0 && labelTypes[tags[i - 1]] == labelTypes[l]);
                if (allowed && scores[l] > scores[best])
                {
                    best = l;
                }
            }

            // Training follows the predicted history, as decoding will.
            if (update is not null && gold is not null)
            {
                update(features, best, gold[i]);
            }

            if (margins is not null)
            {
                margins[i] = scores[best] - scores[0];
            }

            tags[i] = best;
        }

        return tags;
    }

    public void Save(Stream stream)
    {
        using var zip = new GZipStream(stream, CompressionLevel.SmallestSize, leaveOpen: true);
        using var writer = new BinaryWriter(zip, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(labels.Length);
        foreach (var label in labels)
        {
            writer.Write(label);
        }

        writer.Write(vocabulary.Count);
        foreach (var word in vocabulary.Order(StringComparer.Ordinal))
        {
            writer.Write(word);
        }

        writer.Write(weights.Count);
        foreach (var (key, w) in weights.OrderBy(p => p.Key))
        {
            writer.Write(key);
            var nonZero = (byte)w.Count(v => v != 0);
            writer.Write(nonZero);
            for (var l = 0; l < w.Length; l++)
            {
                if (w[l] != 0)
                {
                    writer.Write((byte)l);
                    writer.Write(w[l]);
                }
            }
        }
    }

    public static EntityTagger Load(Stream stream)
    {
        using var zip = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
        using var reader = new BinaryReader(zip, Encoding.UTF8, leaveOpen: true);
        if (reader.ReadUInt32() != Magic || reader.ReadInt32() != FormatVersion)
        {
            throw new InvalidDataException("Not a Parley entity tagger model (or another format version).");
        }

        var labels = new string[reader.ReadInt32()];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = reader.ReadString();
        }

        var vocabularySize = reader.ReadInt32();
        var vocabulary = new HashSet<string>(vocabularySize, StringComparer.Ordinal);
        for (var i = 0; i < vocabularySize; i++)
        {
            vocabulary.Add(reader.ReadString());
        }

        var count = reader.ReadInt32();
        var weights = new Dictionary<uint, float[]>(count);
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadUInt32();
            var w = new float[labels.Length];
            int entries = reader.ReadByte();
            for (var e = 0; e < entries; e++)
            {
                int label = reader.ReadByte();
                w[label] = reader.ReadSingle();
            }

            weights[key] = w;
        }

        return new EntityTagger(labels, vocabulary, weights);
    }

    private static EntityTagger? LoadShipped()
    {
        using var stream = typeof(EntityTagger).Assembly.GetManifestResourceStream(ResourceName);
        return stream is null ? null : Load(stream);
    }

    /// <summary>Perceptron updates with lazily accumulated sums, so averaging costs nothing per step.</summary>
    private sealed class AveragedPerceptron(int labelCount)
    {
        private readonly Dictionary<uint, double[]> totals = [];
        private readonly Dictionary<uint, int[]> stamps = [];
        private int step;

        public Dictionary<uint, float[]> Weights { get; } = [];

        public void Update(List<uint> features, int predicted, int gold)
        {
            step++;
            if (predicted == gold)
            {
                return;
            }

            foreach (var f in features)
            {
                if (!Weights.TryGetValue(f, out var w))
                {
                    w = new float[labelCount];
                    Weights[f] = w;
                    totals[f] = new double[labelCount];
                    stamps[f] = new int[labelCount];
                }

                Change(f, w, gold, 1f);
                Change(f, w, predicted, -1f);
            }
        }

        private void Change(uint feature, float[] w, int label, float delta)
        {
            var total = totals[feature];
            var stamp = stamps[feature];
            total[label] += (step - stamp[label]) * (double)w[label];
            stamp[label] = step;
            w[label] += delta;
        }

        public Dictionary<uint, float[]> Averaged()
        {
            var averaged = new Dictionary<uint, float[]>(Weights.Count);
            foreach (var (f, w) in Weights)
            {
                var total = totals[f];
                var stamp = stamps[f];
                var a = new float[labelCount];
                var any = false;
                for (var l = 0; l < labelCount; l++)
                {
                    a[l] = (float)((total[l] + ((step - stamp[l]) * (double)w[l])) / step);
                    any |= a[l] != 0f;
                }

                if (any)
                {
                    averaged[f] = a;
                }
            }

            return averaged;
        }
    }
}
