namespace Parley.Engine.Intents;

/// <summary>
/// Trains an <see cref="IntentModel"/>: TF-IDF over word and character n-grams, a network with one
/// hidden layer, then a temperature and an out-of-scope threshold fitted on held-out data, and
/// finally (by default) the same network trained again on training plus held-out data. Examples
/// labelled <see cref="IntentModel.OutOfScopeIntent"/> are trained as a class of their own; without
/// any, out-of-scope detection rests on the threshold alone, which small models pass too easily
/// (see <see cref="DefaultIntents.OutOfScopeExamples"/>).
/// </summary>
public static class IntentTrainer
{
    /// <summary>Trains with a stratified share (<see cref="IntentTrainingOptions.ValidationFraction"/>) held out for calibration.</summary>
    public static IntentModel Train(IEnumerable<LabeledUtterance> examples, IntentTrainingOptions? options = null)
    {
        options ??= new IntentTrainingOptions();
        options.Validate();
        var (training, validation) = StratifiedSplit(examples.ToList(), options.ValidationFraction, options.Seed);
        return Train(training, validation, options);
    }

    /// <summary>Trains on <paramref name="training"/> and calibrates on <paramref name="validation"/> (e.g. CLINC150 val + oos_val).</summary>
    public static IntentModel Train(
        IEnumerable<LabeledUtterance> training,
        IEnumerable<LabeledUtterance> validation,
        IntentTrainingOptions? options = null)
    {
        options ??= new IntentTrainingOptions();
        options.Validate();
        var train = training.ToList();
        var held = validation.ToList();
        var labels = train.Select(u => u.Intent).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (labels.Count(l => l != IntentModel.OutOfScopeIntent) < 2)
        {
            throw new ArgumentException("Training needs examples of at least two in-scope intents.", nameof(training));
        }

        // The refit needs nothing from the calibration, so both trainings run at once (one per core).
        var known = held.Where(u => labels.Contains(u.Intent)).ToList();
        var refit = options.RefitOnAllData && known.Count > 0;
        IntentModel model = null!, final = null!;
        Parallel.Invoke(
            () => model = Fit(train, labels, options),
            () => final = refit ? Fit([.. train, .. known], labels, options) : null!);
        final = refit ? final : model;

        var scores = held.Select(u => Score(model, u, labels)).Where(s => s.Label >= 0 || s.IsOutOfScope).ToList();
        var temperature = Calibration.FitTemperature(scores, labels.Length);
        var threshold = options.OutOfScopeThreshold
            ?? Calibration.FitThreshold(
                scores.Select(s => Outcome(s, temperature, labels)).ToList(),
                options.MaxInScopeAccuracyLoss,
                options.MinimumValidationExamplesToFit)
            ?? options.DefaultOutOfScopeThreshold;

        // The calibration was fitted on the model that never saw the validation data, and the refit
        // reuses it. On CLINC150 refitting added 0.8 points of in-scope accuracy at the same OOS recall.
        return new IntentModel(labels, final.Featurizer, final.Network, temperature, threshold);
    }

    private static IntentModel Fit(List<LabeledUtterance> train, string[] labels, IntentTrainingOptions options)
    {
        train = Augment(train, labels, options);
        var featurizer = Featurizer.Fit(train.Select(u => u.Text).ToList(), options.Ngrams, options.MinDocumentFrequency);
        var inputs = train.Select(u => featurizer.Transform(u.Text)).ToList();
        var targets = train.Select(u => Array.IndexOf(labels, u.Intent)).ToList();
        var network = NetworkTrainer.Train(inputs, targets, featurizer.Count, labels.Length, options);
        return new IntentModel(labels, featurizer, network, temperature: 1.0, threshold: 0.0);
    }

    /// <summary>
    /// What few examples leave out. For an intent with fewer than <see cref="IntentTrainingOptions.AugmentBelow"/>
    /// examples, its name ("alarm_query", "refund-request") is one more example, its words apart: the name is the
    /// tenant's own summary of the intent (HWU64 10-shot +1.7 points, CLINC150 +1.2). Optionally
    /// (<see cref="IntentTrainingOptions.AugmentCopies"/>, off: it cost HWU64 10-shot a point) copies of each example
    /// with words left out at random. Intents with many examples are left as they are: on the full data sets the
    /// names cost 1.2 points of CLINC150 OOS recall and 0.5 of HWU64 accuracy.
    /// </summary>
    private static List<LabeledUtterance> Augment(List<LabeledUtterance> train, string[] labels, IntentTrainingOptions options)
    {
        if (!options.IntentNamesAsExamples && options.AugmentCopies == 0)
        {
            return train;
        }

        var augmented = new List<LabeledUtterance>(train);
        var counts = train.GroupBy(u => u.Intent).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        if (options.IntentNamesAsExamples)
        {
            augmented.AddRange(labels.Where(l => l != IntentModel.OutOfScopeIntent && counts.GetValueOrDefault(l) < options.AugmentBelow)
                .Select(l => new LabeledUtterance(TextNormalizer.Normalize(l), l)));
        }

        if (options.AugmentCopies > 0)
        {
            var random = new SplitMix64(options.Seed + 7);
            foreach (var example in train)
            {
                if (example.Intent == IntentModel.OutOfScopeIntent || counts[example.Intent] >= options.AugmentBelow)
                {
                    continue;
                }

                var words = TextNormalizer.Tokenize(example.Text);
                if (words.Count < 3)
                {
                    continue;
                }

                for (var copy = 0; copy < options.AugmentCopies; copy++)
                {
                    var kept = words.Where(_ => random.NextDouble() >= options.AugmentDropout).ToList();
                    if (kept.Count > 0 && kept.Count < words.Count)
                    {
                        augmented.Add(new LabeledUtterance(string.Join(' ', kept), example.Intent));
                    }
                }
            }
        }

        return augmented;
    }

    private static HeldOutScores Score(IntentModel model, LabeledUtterance example, string[] labels)
    {
        var logits = new float[model.Network.ClassStride];
        model.Network.Logits(model.Featurizer.Transform(example.Text), logits);
        var isOutOfScope = example.Intent == IntentModel.OutOfScopeIntent;
        return new HeldOutScores(logits, Array.IndexOf(labels, example.Intent), isOutOfScope);
    }

    private static ThresholdItem Outcome(
        HeldOutScores scores, double temperature, string[] labels)
    {
        var probabilities = scores.Logits[..labels.Length].Select(l => (float)(l / temperature)).ToArray();
        IntentNetwork.Softmax(probabilities);
        var best = -1;
        var top = 0;
        for (var c = 0; c < labels.Length; c++)
        {
            top = probabilities[c] > probabilities[top] ? c : top;
            if (labels[c] != IntentModel.OutOfScopeIntent && (best < 0 || probabilities[c] > probabilities[best]))
            {
                best = c;
            }
        }

        var predictedOutOfScope = labels[top] == IntentModel.OutOfScopeIntent;
        return new ThresholdItem(probabilities[best], best == scores.Label, predictedOutOfScope, scores.IsOutOfScope);
    }

    /// <summary>
    /// Holds out the same share of every intent, chosen by the seed; keeps at least one example of each for
    /// training. Public so that a caller measuring accuracy on held-out data splits the way training does.
    /// </summary>
    public static (List<LabeledUtterance> Training, List<LabeledUtterance> Validation) StratifiedSplit(
        List<LabeledUtterance> examples, double fraction, int seed)
    {
        var training = new List<LabeledUtterance>();
        var validation = new List<LabeledUtterance>();
        var random = new SplitMix64(seed);
        foreach (var group in examples.GroupBy(u => u.Intent).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var items = group.ToArray();
            random.Shuffle(items);
            var held = Math.Min(items.Length - 1, (int)Math.Round(items.Length * fraction));
            validation.AddRange(items[..held]);
            training.AddRange(items[held..]);
        }

        return (training, validation);
    }
}
