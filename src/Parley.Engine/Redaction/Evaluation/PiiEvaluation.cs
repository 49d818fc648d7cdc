namespace Parley.Engine.Redaction.Evaluation;

/// <summary>How entity types take part in matching a predicted span with a gold span.</summary>
public enum TypeMatching
{
    /// <summary>Both sides mapped to Presidio's entity names first; a match needs the same name.</summary>
    Mapped,

    /// <summary>Any PII span matches any gold span (Presidio's headline "PII vs not PII" figure).</summary>
    Ignored,
}

/// <summary>Counts for one slice (overall or one type).</summary>
public sealed record SpanScore(int Gold, int Predicted, int MatchedGold, int MatchedPredicted)
{
    public double Precision => Predicted == 0 ? 0 : (double)MatchedPredicted / Predicted;

    public double Recall => Gold == 0 ? 0 : (double)MatchedGold / Gold;

    /// <summary>F-beta with beta = 2: recall weighs four times precision, as a redactor should.</summary>
    public double F2 => Precision + Recall == 0 ? 0 : 5 * Precision * Recall / ((4 * Precision) + Recall);
}

/// <summary>
/// Overall score, recall per gold type (dataset names, e.g. GPE and STREET_ADDRESS apart) and precision
/// per predicted type (Parley names).
/// </summary>
public sealed record PiiEvaluationReport(
    SpanScore Overall,
    IReadOnlyDictionary<string, SpanScore> ByGoldType,
    IReadOnlyDictionary<string, SpanScore> ByPredictedType)
{
    /// <summary>A plain-text table for a command that prints the figures.</summary>
    public string Describe()
    {
        var text = new System.Text.StringBuilder();
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        text.AppendLine(culture, $"overall  precision {Overall.Precision:F3}  recall {Overall.Recall:F3}  F2 {Overall.F2:F3}  (gold {Overall.Gold}, predicted {Overall.Predicted})");
        foreach (var (type, score) in ByGoldType.OrderByDescending(kv => kv.Value.Gold))
        {
            text.AppendLine(culture, $"  recall    {type,-18} {score.Recall:F3}  ({score.MatchedGold}/{score.Gold})");
        }

        foreach (var (type, score) in ByPredictedType.OrderByDescending(kv => kv.Value.Predicted))
        {
            text.AppendLine(culture, $"  precision {type,-18} {score.Precision:F3}  ({score.MatchedPredicted}/{score.Predicted})");
        }

        return text.ToString();
    }
}

/// <summary>
/// Span-level evaluation in the manner of presidio-research's <c>SpanEvaluator</c>.
/// <list type="bullet">
/// <item>A predicted span matches a gold span when their character intersection-over-union is at least
/// <c>iouThreshold</c> (0.9 by default) and, under <see cref="TypeMatching.Mapped"/>, both types map to
/// the same Presidio name. Dataset types go through presidio-research's own map (STREET_ADDRESS and GPE
/// become LOCATION, DOMAIN_NAME becomes URL); Parley's STREET_ADDRESS also becomes LOCATION, so a
/// detected address or place can match a gold address or place but never a gold person.</item>
/// <item>Matching is one-to-one. With an IoU of at least 0.5 a span can overlap only one span of a
/// non-overlapping set that well, so greedy matching is exact.</item>
/// <item>Every gold span counts, including types Parley does not detect at all (ORGANIZATION): leaving
/// them out would inflate recall.</item>
/// <item>IoU is computed on raw characters. Presidio's evaluator works on tokens and skips stop words and
/// punctuation, which is slightly more lenient at span edges; figures here are therefore conservative.</item>
/// </list>
/// </summary>
public static class PiiEvaluation
{
    /// <summary>What the evaluation runs: every detector, ORGANIZATION included (it is opt-in in the product).</summary>
    public static RedactionOptions EveryType { get; } = new() { EnabledTypes = PiiTypes.All };

    private static readonly Dictionary<string, string> ToPresidio = new(StringComparer.Ordinal)
    {
        ["PER"] = "PERSON",
        ["FIRST_NAME"] = "PERSON",
        ["LAST_NAME"] = "PERSON",
        ["LOC"] = "LOCATION",
        ["GPE"] = "LOCATION",
        ["CITY"] = "LOCATION",
        ["FACILITY"] = "LOCATION",
        ["ADDRESS"] = "LOCATION",
        ["STREET_ADDRESS"] = "LOCATION",
        ["ZIP"] = "ZIP_CODE",
        ["ORG"] = "ORGANIZATION",
        ["NORP"] = "NRP",
        ["NATIONALITY"] = "NRP",
        ["PREFIX"] = "TITLE",
        ["IBAN"] = "IBAN_CODE",
        ["DATE"] = "DATE_TIME",
        ["TIME"] = "DATE_TIME",
        ["BIRTHDAY"] = "DATE_TIME",
        ["DOB"] = "DATE_TIME",
        ["PHONE"] = "PHONE_NUMBER",
        ["DOMAIN_NAME"] = "URL",
        ["DOMAIN"] = "URL",
        ["EMAIL"] = "EMAIL_ADDRESS",
        ["SSN"] = "US_SSN",
    };

    public static string ToPresidioType(string type) => ToPresidio.GetValueOrDefault(type, type);

    public static PiiEvaluationReport Evaluate(
        IEnumerable<PiiSample> samples,
        PiiRedactor redactor,
        TypeMatching typeMatching = TypeMatching.Mapped,
        double iouThreshold = 0.9)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(redactor);
        var overall = new Tally();
        var byGold = new Dictionary<string, Tally>(StringComparer.Ordinal);
        var byPredicted = new Dictionary<string, Tally>(StringComparer.Ordinal);

        foreach (var sample in samples)
        {
            var predicted = redactor.FindSpans(sample.Text);
            var goldMatched = new bool[sample.Spans.Count];
            var predictedMatched = new bool[predicted.Count];
            for (var g = 0; g < sample.Spans.Count; g++)
            {
                for (var p = 0; p < predicted.Count; p++)
                {
                    if (!predictedMatched[p] && Matches(sample.Spans[g], predicted[p], typeMatching, iouThreshold))
                    {
                        goldMatched[g] = predictedMatched[p] = true;
                        break;
                    }
                }
            }

            for (var g = 0; g < sample.Spans.Count; g++)
            {
                overall.AddGold(goldMatched[g]);
                For(byGold, sample.Spans[g].Type).AddGold(goldMatched[g]);
            }

            for (var p = 0; p < predicted.Count; p++)
            {
                overall.AddPredicted(predictedMatched[p]);
                For(byPredicted, predicted[p].Type).AddPredicted(predictedMatched[p]);
            }
        }

        return new PiiEvaluationReport(
            overall.ToScore(),
            byGold.ToDictionary(kv => kv.Key, kv => kv.Value.ToScore(), StringComparer.Ordinal),
            byPredicted.ToDictionary(kv => kv.Key, kv => kv.Value.ToScore(), StringComparer.Ordinal));
    }

    public static double IntersectionOverUnion(int startA, int endA, int startB, int endB)
    {
        var intersection = Math.Min(endA, endB) - Math.Max(startA, startB);
        if (intersection <= 0)
        {
            return 0;
        }

        var union = Math.Max(endA, endB) - Math.Min(startA, startB);
        return (double)intersection / union;
    }

    private static bool Matches(GoldSpan gold, PiiSpan predicted, TypeMatching typeMatching, double iouThreshold)
    {
        if (typeMatching == TypeMatching.Mapped && ToPresidioType(gold.Type) != ParleyToPresidio(predicted.Type))
        {
            return false;
        }

        return IntersectionOverUnion(gold.Start, gold.End, predicted.Start, predicted.End) >= iouThreshold;
    }

    public static string ParleyToPresidio(string type) => type switch
    {
        PiiTypes.StreetAddress => "LOCATION",
        PiiTypes.AccountNumber => "US_BANK_NUMBER",
        PiiTypes.DateOfBirth => "DATE_TIME",
        PiiTypes.Passport => "US_PASSPORT",
        _ => type,
    };

    private static Tally For(Dictionary<string, Tally> tallies, string type)
    {
        if (!tallies.TryGetValue(type, out var tally))
        {
            tally = new Tally();
            tallies[type] = tally;
        }

        return tally;
    }

    private sealed class Tally
    {
        private int _gold;
        private int _predicted;
        private int _matchedGold;
        private int _matchedPredicted;

        public void AddGold(bool matched)
        {
            _gold++;
            _matchedGold += matched ? 1 : 0;
        }

        public void AddPredicted(bool matched)
        {
            _predicted++;
            _matchedPredicted += matched ? 1 : 0;
        }

        public SpanScore ToScore() => new(_gold, _predicted, _matchedGold, _matchedPredicted);
    }
}
