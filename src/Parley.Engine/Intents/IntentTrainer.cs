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
    /// <summary>
    /// Trains with a stratified share (<see cref="IntentTrainingOptions.ValidationFraction"/>) held out for calibration.
    /// <paramref name="vectors"/>, when given, is shared with other trainings over the same texts, so each is embedded once.
    /// </summary>
    public static IntentModel Train(IEnumerable<LabeledUtterance> examples, IntentTrainingOptions? options = null, SentenceVectors? vectors = null)
    {
        options ??= new IntentTrainingOptions();
        options.Validate();
        var (training, validation) = StratifiedSplit(examples.ToList(), options.ValidationFraction, options.Seed);
        return Train(training, validation, options, vectors);
    }

    /// <summary>
    /// Trains on <paramref name="training"/> and calibrates on <paramref name="validation"/> (e.g. CLINC150 val + oos_val).
    /// <paramref name="vectors"/>, when given, is shared with other trainings over the same texts, so each is embedded once.
    /// </summary>
    public static IntentModel Train(
        IEnumerable<LabeledUtterance> training,
        IEnumerable<LabeledUtterance> validation,
        IntentTrainingOptions? options = null,
        SentenceVectors? vectors = null)
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
        if (vectors is not null && vectors.SecondEncoder != options.SecondEncoder)
        {
            throw new ArgumentException("The shared sentence vectors were made for the other encoder setting.", nameof(vectors));
        }

        vectors = UsesEncoder(options, [.. train, .. known]) ? (vectors ?? new SentenceVectors(options.SecondEncoder)) : null;
        vectors?.Get([.. train.Concat(held).Select(u => u.Text).Concat(labels.Select(TextNormalizer.Normalize)).Distinct(StringComparer.Ordinal)]);
        IntentModel model = null!, final = null!;
        Parallel.Invoke(
            () => model = Fit(train, labels, options, vectors),
            () => final = refit ? Fit([.. train, .. known], labels, options, vectors) : null!);
        final = refit ? final : model;

        var raw = held.Select(u => Score(model, u, labels, vectors)).Where(s => s.Scores.Label >= 0 || s.Scores.IsOutOfScope).ToList();
        var weight = model.Encoder is null ? 0f : (float)(options.EncoderWeight ?? ChooseEncoderWeight(raw, labels.Length));
        var scores = raw.Select(s => Combined(s, weight)).ToList();
        var temperature = Calibration.FitTemperature(scores, labels.Length);
        var threshold = options.OutOfScopeThreshold
            ?? Calibration.FitThreshold(
                scores.Select(s => Outcome(s, temperature, labels)).ToList(),
                options.MaxInScopeAccuracyLoss,
                options.MinimumValidationExamplesToFit)
            ?? options.DefaultOutOfScopeThreshold;

        // The calibration was fitted on the model that never saw the validation data, and the refit
        // reuses it. On CLINC150 refitting added 0.8 points of in-scope accuracy at the same OOS recall.
        return new IntentModel(labels, final.Featurizer, final.Network, temperature, threshold, final.Encoder?.WithWeight(weight));
    }

    /// <summary>
    /// Whether <paramref name="examples"/> get the encoder head: <see cref="IntentEncoder.Auto"/> asks for it when the
    /// median in-scope intent has fewer than <see cref="IntentTrainingOptions.EncoderBelowMedian"/> examples.
    /// </summary>
    public static bool UsesEncoder(IntentTrainingOptions options, IReadOnlyList<LabeledUtterance> examples)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(examples);
        if (options.Encoder != IntentEncoder.Auto)
        {
            return options.Encoder == IntentEncoder.Always;
        }

        var counts = examples.Where(u => u.Intent != IntentModel.OutOfScopeIntent).GroupBy(u => u.Intent).Select(g => g.Count()).Order().ToArray();
        if (counts.Length == 0)
        {
            return false;
        }

        var median = counts.Length % 2 == 1 ? counts[counts.Length / 2] : (counts[(counts.Length / 2) - 1] + counts[counts.Length / 2]) / 2.0;
        return median < options.EncoderBelowMedian;
    }

    /// <summary>
    /// The encoder's share, from 0 to 1 in tenths, whose combined scores have the least log loss on the held-out
    /// calibration data at their own fitted temperature. Too few held-out messages to fit a temperature on: half.
    /// </summary>
    private static double ChooseEncoderWeight(List<(HeldOutScores Scores, float[]? Encoder)> raw, int classCount)
    {
        if (raw.Count(s => s.Scores.Label >= 0) < 30)
        {
            return 0.5;
        }

        var best = (Weight: 0.5, Loss: double.PositiveInfinity);
        for (var step = 0; step <= 10; step++)
        {
            var weight = step / 10f;
            var combined = raw.Select(s => Combined(s, weight)).Where(s => s.Label >= 0).ToList();
            var temperature = Calibration.FitTemperature(combined, classCount);
            var loss = combined.Sum(s => Calibration.LogLoss(s, temperature, classCount));
            best = loss < best.Loss ? (weight, loss) : best;
        }

        return best.Weight;
    }

    private static HeldOutScores Combined((HeldOutScores Scores, float[]? Encoder) raw, float weight)
    {
        if (raw.Encoder is null)
        {
            return raw.Scores;
        }

        var logits = (float[])raw.Scores.Logits.Clone();
        EncoderHead.Combine(logits, raw.Encoder, weight);
        return raw.Scores with { Logits = logits };
    }

    private static IntentModel Fit(List<LabeledUtterance> train, string[] labels, IntentTrainingOptions options, SentenceVectors? vectors)
    {
        train = Augment(train, labels, options);
        var featurizer = Featurizer.Fit(train.Select(u => u.Text).ToList(), options.Ngrams, options.MinDocumentFrequency);
        var inputs = train.Select(u => featurizer.Transform(u.Text)).ToList();
        var targets = train.Select(u => Array.IndexOf(labels, u.Intent)).ToList();
        var network = NetworkTrainer.Train(inputs, targets, featurizer.Count, labels.Length, options);
        var encoder = vectors is null ? null : EncoderHead.Train(vectors.Get(train.Select(u => u.Text).ToList()), targets, labels.Length, options, weight: 0.5f);
        return new IntentModel(labels, featurizer, network, temperature: 1.0, threshold: 0.0, encoder);
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

    /// <summary>The n-gram network's raw scores of a held-out example and, with an encoder head, the head's.</summary>
    private static (HeldOutScores Scores, float[]? Encoder) Score(IntentModel model, LabeledUtterance example, string[] labels, SentenceVectors? vectors)
    {
        var logits = new float[model.Network.ClassStride];
        model.Network.Logits(model.Featurizer.Transform(example.Text), logits);
        var isOutOfScope = example.Intent == IntentModel.OutOfScopeIntent;
        float[]? encoder = null;
        if (model.Encoder is not null && vectors is not null)
        {
            encoder = new float[labels.Length];
            model.Encoder.Logits(vectors.Get([example.Text])[0], encoder);
        }

        return (new HeldOutScores(logits, Array.IndexOf(labels, example.Intent), isOutOfScope), encoder);
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

/// <summary>
/// The encoder head's inputs (<see cref="EncoderHead.Input"/>) of one or more training runs over the same texts: a run
/// embeds every training and held-out text and every intent's name (the augmentation's extra example) that is not here
/// yet, in batches; texts first seen later are embedded on demand. Thread-safe: trainings that run at once and share it
/// (the server's model and its held-out measuring model) embed each text once.
/// </summary>
public sealed class SentenceVectors(bool secondEncoder)
{
    private readonly Dictionary<string, float[]> vectors = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>Whether the vectors read <see cref="Embeddings.SentenceEmbedder.Second"/> beside the first encoder (<see cref="IntentTrainingOptions.SecondEncoder"/>).</summary>
    public bool SecondEncoder { get; } = secondEncoder;

    internal IReadOnlyList<float[]> Get(IReadOnlyList<string> texts)
    {
        lock (gate)
        {
            var missing = texts.Where(t => !vectors.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                var embedded = Embeddings.SentenceEmbedder.Shared.Embed(missing);
                var others = SecondEncoder ? Embeddings.SentenceEmbedder.Second.Embed(missing) : null;
                for (var i = 0; i < missing.Count; i++)
                {
                    vectors[missing[i]] = EncoderHead.Input(embedded[i], others?[i]);
                }
            }

            return texts.Select(t => vectors[t]).ToList();
        }
    }
}
