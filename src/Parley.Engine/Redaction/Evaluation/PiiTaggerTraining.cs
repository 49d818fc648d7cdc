using Parley.Engine.Intents;
using Parley.Engine.Redaction.Detectors;
using Parley.Engine.Redaction.Learned;

namespace Parley.Engine.Redaction.Evaluation;

/// <summary>One way of combining the learned tagger with the rules, scored over every held-out fold.</summary>
public sealed record CrossValidationResult(string Combination, bool IsDefault, PiiEvaluationReport Ignored, PiiEvaluationReport Mapped);

/// <summary>
/// Trains the <see cref="EntityTagger"/> on presidio-research's format and judges it by k-fold
/// cross-validation: each fold is scored by a redactor whose tagger never saw it, so the figure predicts
/// what unseen text of the same kind (the held-out half B) will give.
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

    private static readonly string[] LearnedTypes = [.. Learned.Values.Distinct()];

    /// <summary>The tagger trained on every sample (what Parley ships, written by <c>eval pii --write-model</c>).</summary>
    public static EntityTagger Train(IReadOnlyList<PiiSample> samples) =>
        EntityTagger.Train(samples.Select(ToExample).ToList(), LearnedTypes);

    public static IReadOnlyList<CrossValidationResult> CrossValidate(IReadOnlyList<PiiSample> samples, int folds, int seed = 7)
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
        var taggers = new EntityTagger[folds];
        Parallel.For(0, folds, k => taggers[k] = EntityTagger.Train(
            Enumerable.Range(0, samples.Count).Where(i => fold[i] != k).Select(i => ToExample(samples[i])).ToList(), LearnedTypes));
        for (var k = 0; k < folds; k++)
        {
            var test = Enumerable.Range(0, samples.Count).Where(i => fold[i] == k).Select(i => samples[i]).ToList();
            foreach (var mode in modes)
            {
                var redactor = new PiiRedactor(PiiEvaluation.EveryType, taggers[k], mode);
                ignored[mode].Add(PiiEvaluation.Evaluate(test, redactor, TypeMatching.Ignored));
                mapped[mode].Add(PiiEvaluation.Evaluate(test, redactor, TypeMatching.Mapped));
            }
        }

        return modes.Select(m => new CrossValidationResult(
            m.ToString().ToLowerInvariant(), m == DetectorCatalog.DefaultMode, Sum(ignored[m]), Sum(mapped[m]))).ToList();
    }

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
