using Parley.Engine.Intents;
using Parley.Engine.Redaction.Detectors;
using Parley.Engine.Redaction.Learned;


namespace Parley.Engine.Redaction.Evaluation;

/// <summary>One way of combining the learned tagger with the rules, scored over every held-out fold.</summary>
public sealed record CrossValidationResult(string Combination, bool IsDefault, PiiEvaluationReport Ignored, PiiEvaluationReport Mapped);

/// <summary>One setting of the product's <see cref="TaggerGate"/>: the cross-validated scores and the spans it flags in ordinary chat (validation utterances).</summary>
/// <remarks><paramref name="TitleCasedChat"/>: the same utterances with one more word capitalised in each, as product names are written.</remarks>
public sealed record GateSweepResult(TaggerGate Gate, bool IsShipped, PiiEvaluationReport Ignored, PiiEvaluationReport Mapped, ChatFlagReport Chat, ChatFlagReport TitleCasedChat);

/// <summary>Cross-validation of the combinations, and of the gate settings in the shipped combination.</summary>
public sealed record CrossValidation(IReadOnlyList<CrossValidationResult> Combinations, IReadOnlyList<GateSweepResult> Gates);

/// <summary>Spans of the tagger's types a redactor flags in ordinary chat, which names nobody and no place: every one is a false positive, bar the odd real name the data holds.</summary>
public sealed record ChatFlagReport(int Utterances, int Spans, int UtterancesFlagged, IReadOnlyList<string> Examples)
{
    public double SpansPerThousand => Utterances == 0 ? 0 : 1000.0 * Spans / Utterances;

    /// <summary>Runs <paramref name="redactor"/> over <paramref name="utterances"/>, counting spans of the types the tagger learns; keeps the first <paramref name="examples"/> as "text [TYPE 'value']".</summary>
    public static ChatFlagReport Measure(PiiRedactor redactor, IReadOnlyList<string> utterances, int examples = 0)
    {
        ArgumentNullException.ThrowIfNull(redactor);
        ArgumentNullException.ThrowIfNull(utterances);
        var (spans, flagged) = (0, 0);
        var shown = new List<string>();
        foreach (var text in utterances)
        {
            var found = redactor.FindSpans(text).Where(s => PiiTaggerTraining.LearnedTypes.Contains(s.Type)).ToList();
            spans += found.Count;
            flagged += found.Count > 0 ? 1 : 0;
            if (found.Count > 0 && shown.Count < examples)
            {
                shown.Add($"{text}  [{string.Join(", ", found.Select(s => $"{s.Type} '{text[s.Start..s.End]}'"))}]");
            }
        }

        return new ChatFlagReport(utterances.Count, spans, flagged, shown);
    }
}

/// <summary>
/// Trains the <see cref="EntityTagger"/> on presidio-research's format and judges it by k-fold
/// cross-validation: each fold is scored by a redactor whose tagger never saw it, so the figure predicts
/// what unseen text of the same kind (the held-out half B) will give. Ordinary chat utterances with no
/// personal data (<see cref="ChatUtterances"/>, training split) are added to every training set as negatives.
/// </summary>
public static class PiiTaggerTraining
{
    /// <summary>Dataset type → the Parley type the tagger learns. Other gold types are left to the rules (outside for the tagger).</summary>
    private static readonly Dictionary<string, string> Learned = new(StringComparer.Ordinal)
    {
        ["PERSON"] = PiiTypes.Person,
        ["ORGANIZATION"] = PiiTypes.Organization,
        ["STREET_ADDRESS"] = PiiTypes.StreetAddress,
        ["GPE"] = PiiTypes.Location,
        ["ZIP_CODE"] = PiiTypes.ZipCode,
    };

    internal static readonly string[] LearnedTypes = [.. Learned.Values.Distinct()];

    /// <summary>The gate settings cross-validation tries (lone-word margin, minimum margin); the shipped one among them.</summary>
    public static IReadOnlyList<TaggerGate> GateCandidates { get; } =
    [
        TaggerGate.Open, new(2f, 0f), new(4f, 0f), new(6f, 0f), new(8f, 0f), new(12f, 0f), new(float.MaxValue, 0f),
        new(6f, 1f), new(6f, 2f), new(8f, 2f),
    ];

    /// <summary>The redactor without the tagger, every type on: the baseline the figures compare with.</summary>
    public static PiiRedactor RulesAlone() => new(PiiEvaluation.EveryType, null, LearnedMode.Off);

    /// <summary>The product's redactor, every type on, with <paramref name="tagger"/> in place of the shipped one (a model from <c>--write-model</c>).</summary>
    public static PiiRedactor WithTagger(EntityTagger tagger) => new(PiiEvaluation.EveryType, tagger, DetectorCatalog.DefaultMode);

    /// <summary>The tagger trained on every sample and the chat negatives (what Parley ships, written by <c>eval pii --write-model</c>).</summary>
    public static EntityTagger Train(IReadOnlyList<PiiSample> samples, IReadOnlyList<TaggerExample> negatives) =>
        EntityTagger.Train([.. samples.Select(ToExample), .. negatives], LearnedTypes);

    /// <summary>
    /// Each of <paramref name="folds"/> folds scored by a tagger trained on the others plus <paramref name="negatives"/>;
    /// the gate candidates are also scored on <paramref name="chatValidation"/> (never the test utterances).
    /// </summary>
    public static CrossValidation CrossValidate(IReadOnlyList<PiiSample> samples, int folds, IReadOnlyList<TaggerExample> negatives, IReadOnlyList<string> chatValidation, int seed = 7)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var order = Enumerable.Range(0, samples.Count).ToArray();
        var random = new SplitMix64(seed);
        random.Shuffle(order);
        var fold = new int[samples.Count];
        for (var i = 0; i < order.Length; i++)
        {
            fold[order[i]] = i % folds;
        }

        var modes = Enum.GetValues<LearnedMode>();
        var ignored = modes.ToDictionary(m => m, _ => new List<PiiEvaluationReport>());
        var mapped = modes.ToDictionary(m => m, _ => new List<PiiEvaluationReport>());
        var gates = GateCandidates;
        var gateIgnored = gates.Select(_ => new List<PiiEvaluationReport>()).ToArray();
        var gateMapped = gates.Select(_ => new List<PiiEvaluationReport>()).ToArray();
        var gateChat = gates.Select(_ => new List<ChatFlagReport>()).ToArray();
        var gateTitled = gates.Select(_ => new List<ChatFlagReport>()).ToArray();
        var titled = ChatUtterances.Negatives(chatValidation, titleCaseEvery: 1, seed: 29).ConvertAll(e => e.Text);
        var taggers = new EntityTagger[folds];
        Parallel.For(0, folds, k => taggers[k] = EntityTagger.Train(
            [.. Enumerable.Range(0, samples.Count).Where(i => fold[i] != k).Select(i => ToExample(samples[i])), .. negatives], LearnedTypes));

        // Chat validation: each fold's tagger on its share of the utterances, so every figure is the five taggers' average.
        for (var k = 0; k < folds; k++)
        {
            var test = Enumerable.Range(0, samples.Count).Where(i => fold[i] == k).Select(i => samples[i]).ToList();
            foreach (var mode in modes)
            {
                var redactor = new PiiRedactor(PiiEvaluation.EveryType, taggers[k], mode);
                ignored[mode].Add(PiiEvaluation.Evaluate(test, redactor, TypeMatching.Ignored));
                mapped[mode].Add(PiiEvaluation.Evaluate(test, redactor, TypeMatching.Mapped));
            }

            var chat = chatValidation.Where((_, n) => n % folds == k).ToList();
            var chatTitled = titled.Where((_, n) => n % folds == k).ToList();
            for (var g = 0; g < gates.Count; g++)
            {
                var redactor = new PiiRedactor(PiiEvaluation.EveryType, taggers[k], DetectorCatalog.DefaultMode, gates[g]);
                gateIgnored[g].Add(PiiEvaluation.Evaluate(test, redactor, TypeMatching.Ignored));
                gateMapped[g].Add(PiiEvaluation.Evaluate(test, redactor, TypeMatching.Mapped));
                gateChat[g].Add(ChatFlagReport.Measure(redactor, chat));
                gateTitled[g].Add(ChatFlagReport.Measure(redactor, chatTitled));
            }
        }

        return new CrossValidation(
            modes.Select(m => new CrossValidationResult(m.ToString().ToLowerInvariant(), m == DetectorCatalog.DefaultMode, Sum(ignored[m]), Sum(mapped[m]))).ToList(),
            gates.Select((gate, g) => new GateSweepResult(
                gate,
                gate == TaggerGate.Shipped,
                Sum(gateIgnored[g]),
                Sum(gateMapped[g]),
                Total(gateChat[g]),
                Total(gateTitled[g]))).ToList());
    }

    private static ChatFlagReport Total(List<ChatFlagReport> parts) =>
        new(parts.Sum(c => c.Utterances), parts.Sum(c => c.Spans), parts.Sum(c => c.UtterancesFlagged), []);

    private static TaggerExample ToExample(PiiSample sample) => new(
        sample.Text,
        sample.Spans.Where(s => Learned.ContainsKey(s.Type)).Select(s => (Learned[s.Type], s.Start, s.End)).ToList());

    private static PiiEvaluationReport Sum(List<PiiEvaluationReport> reports)
    {
        static SpanScore Add(SpanScore a, SpanScore b) =>
            new(a.Gold + b.Gold, a.Predicted + b.Predicted, a.MatchedGold + b.MatchedGold, a.MatchedPredicted + b.MatchedPredicted);

        static Dictionary<string, SpanScore> Merge(IEnumerable<IReadOnlyDictionary<string, SpanScore>> parts)
        {
            var merged = new Dictionary<string, SpanScore>(StringComparer.Ordinal);
            foreach (var (type, score) in parts.SelectMany(p => p))
            {
                merged[type] = merged.TryGetValue(type, out var sum) ? Add(sum, score) : score;
            }

            return merged;
        }

        return new PiiEvaluationReport(
            reports.Select(r => r.Overall).Aggregate(Add),
            Merge(reports.Select(r => r.ByGoldType)),
            Merge(reports.Select(r => r.ByPredictedType)));
    }
}
