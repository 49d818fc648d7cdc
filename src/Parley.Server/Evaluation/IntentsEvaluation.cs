using System.Diagnostics;
using System.Globalization;
using Parley.Engine.Intents;

namespace Parley.Server.Evaluation;

/// <summary>What <c>eval intents</c> measures besides the full-data figures.</summary>
/// <param name="Shots">Train on the published few-shot split with this many examples per intent (<c>fewshot_dnnc_splits/train_N.csv</c>), plus <paramref name="Resamples"/> more drawn from the full training split.</param>
/// <param name="NoOutOfScopeTraining">CLINC150 as a tenant with no out-of-scope examples: <c>oos_train</c> and <c>oos_val</c> withheld, the threshold fitted on in-scope <c>val</c> only.</param>
/// <param name="Resamples">Further seeded few-shot splits (seeds 1..N) for the spread; 0 scores the published split alone.</param>
public sealed record IntentsEvaluationOptions(int? Shots = null, bool NoOutOfScopeTraining = false, int Resamples = 4);

/// <summary>
/// <c>eval intents</c>: trains the built-in classifier on a data set's training split (with its
/// validation split for calibration where it has one) and scores the test split. The format is chosen
/// by what the path holds: a CLINC150 JSON file (or a directory with <c>data_full.json</c>), or an HWU64
/// directory with <c>train.csv</c> and <c>test.csv</c>. <c>--shots N</c> trains as a tenant would (the
/// product's default options, calibration held out of the N examples) on few-shot splits;
/// <c>--no-oos-train</c> withholds CLINC150's out-of-scope examples.
/// </summary>
public static class IntentsEvaluation
{
    public static Task RunAsync(string path, TextWriter output, CancellationToken cancellationToken) =>
        RunAsync(path, new IntentsEvaluationOptions(), output, cancellationToken);

    public static Task RunAsync(string path, IntentsEvaluationOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var clinc = File.Exists(path) && path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? path
            : Directory.Exists(path) && File.Exists(Path.Combine(path, "data_full.json")) ? Path.Combine(path, "data_full.json")
            : null;
        var hwu = clinc is null && Directory.Exists(path) && File.Exists(Path.Combine(path, "train.csv")) && File.Exists(Path.Combine(path, "test.csv"));
        if (clinc is null && !hwu)
        {
            throw new InvalidDataException(
                $"No intent data set at {path}: expected a CLINC150 JSON file or a directory with data_full.json, or an HWU64 directory with train.csv and test.csv.");
        }

        if (options.NoOutOfScopeTraining && clinc is null)
        {
            throw new ArgumentException("--no-oos-train needs CLINC150 (HWU64 has no out-of-scope examples).");
        }

        if (options.Shots is { } shots)
        {
            var directory = clinc is null ? path : Path.GetDirectoryName(clinc)!;
            var split = Path.Combine(directory, "fewshot_dnnc_splits", $"train_{shots}.csv");
            if (!File.Exists(split))
            {
                throw new FileNotFoundException($"No {shots}-shot split at {split}.");
            }

            return Task.Run(() => FewShot(clinc, hwu ? path : null, split, shots, options.Resamples, output), cancellationToken);
        }

        return clinc is not null
            ? Task.Run(() => Clinc150(clinc, options.NoOutOfScopeTraining, output), cancellationToken)
            : Task.Run(() => Hwu64(path, output), cancellationToken);
    }

    /// <summary>
    /// oos_train trains the out-of-scope class; val + oos_val fit the temperature and threshold; test + oos_test are scored.
    /// Without out-of-scope training only the threshold, fitted on in-scope val, can turn a message away.
    /// </summary>
    private static void Clinc150(string file, bool noOutOfScopeTraining, TextWriter output)
    {
        var data = IntentDatasets.LoadClinc150(file);
        IReadOnlyList<LabeledUtterance> train = noOutOfScopeTraining ? data.Train : [.. data.Train, .. data.OutOfScopeTrain];
        IReadOnlyList<LabeledUtterance> validation = noOutOfScopeTraining ? data.Validation : [.. data.Validation, .. data.OutOfScopeValidation];
        output.WriteLine($"dataset: CLINC150 ({Path.GetFileName(file)}){(noOutOfScopeTraining ? ", no out-of-scope training" : "")}");
        output.WriteLine($"train: {train.Count} examples; calibration: {validation.Count}; test: {data.Test.Count + data.OutOfScopeTest.Count} (out of scope {data.OutOfScopeTest.Count})");
        var started = Stopwatch.GetTimestamp();
        var model = IntentTrainer.Train(train, validation);
        var trained = Stopwatch.GetElapsedTime(started);
        Report(output, model, [.. data.Test, .. data.OutOfScopeTest], trained);
    }

    /// <summary>HWU64 has no out-of-scope items: 64-way accuracy, the threshold off, a fifth of train held out for calibration.</summary>
    private static void Hwu64(string directory, TextWriter output)
    {
        var train = IntentDatasets.LoadHwu64(Path.Combine(directory, "train.csv"));
        var test = IntentDatasets.LoadHwu64(Path.Combine(directory, "test.csv"));
        output.WriteLine($"dataset: HWU64 ({Path.GetFileName(Path.TrimEndingDirectorySeparator(directory))})");
        output.WriteLine($"train: {train.Count} examples; test: {test.Count}");
        var started = Stopwatch.GetTimestamp();
        var model = IntentTrainer.Train(train, new IntentTrainingOptions { OutOfScopeThreshold = 0 });
        var trained = Stopwatch.GetElapsedTime(started);
        Report(output, model, test, trained);
    }

    /// <summary>
    /// Few-shot: each split trains with the product's default options (a tenant's training: a fifth of the
    /// examples held out for calibration, then refit on all). Scored on the full test split: in-scope
    /// accuracy with the threshold off (the published few-shot figures' definition), and for CLINC150 the
    /// in-scope accuracy and out-of-scope recall with the model's own threshold on test + oos_test.
    /// </summary>
    private static void FewShot(string? clincFile, string? hwuDirectory, string splitFile, int shots, int resamples, TextWriter output)
    {
        IReadOnlyList<LabeledUtterance> pool, test;
        if (clincFile is not null)
        {
            var data = IntentDatasets.LoadClinc150(clincFile);
            (pool, test) = (data.Train, [.. data.Test, .. data.OutOfScopeTest]);
        }
        else
        {
            (pool, test) = (IntentDatasets.LoadHwu64(Path.Combine(hwuDirectory!, "train.csv")), IntentDatasets.LoadHwu64(Path.Combine(hwuDirectory!, "test.csv")));
        }

        var inScopeTest = test.Where(u => u.Intent != IntentModel.OutOfScopeIntent).ToList();
        var splits = new List<(string Name, IReadOnlyList<LabeledUtterance> Train)> { ("published", IntentDatasets.LoadFewShot(splitFile)) };
        for (var seed = 1; seed <= resamples; seed++)
        {
            splits.Add(($"seed {seed}", IntentDatasets.SampleShots(pool, shots, seed)));
        }

        output.WriteLine($"dataset: {(clincFile is not null ? "CLINC150" : "HWU64")} {shots}-shot ({splits.Count} splits: {Path.GetFileName(splitFile)} and {resamples} drawn from train)");
        output.WriteLine($"test: {test.Count} (out of scope {test.Count - inScopeTest.Count})");
        IReadOnlyList<float[]>? vectors = null, inScopeVectors = null;
        var accuracy = new List<double>();
        var inScope = new List<double>();
        var recall = new List<double>();
        var seconds = new List<double>();
        foreach (var (name, train) in splits)
        {
            var started = Stopwatch.GetTimestamp();
            var model = IntentTrainer.Train(train);
            seconds.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
            if (model.UsesEncoder && vectors is null)
            {
                // The test split is embedded once for every split and both scorings: every split trains with the same
                // options, so every model with a head reads the same encoders.
                vectors = model.EncoderInputs(test.Select(u => u.Text).ToList())!;
                inScopeVectors = [.. vectors.Where((_, i) => test[i].Intent != IntentModel.OutOfScopeIntent)];
            }

            var top1 = IntentEvaluation.Evaluate(model.WithOutOfScopeThreshold(0), inScopeTest, inScopeVectors);
            accuracy.Add(top1.InScopeAccuracy);
            var line = $"split {name}: {train.Count} examples, {Encoder(model)}, in-scope accuracy (threshold off) {Figure(top1.InScopeAccuracy)}";
            if (test.Count > inScopeTest.Count)
            {
                var withThreshold = IntentEvaluation.Evaluate(model, test, vectors);
                inScope.Add(withThreshold.InScopeAccuracy);
                recall.Add(withThreshold.OutOfScopeRecall);
                line += $", with threshold {model.OutOfScopeThreshold.ToString("F3", CultureInfo.InvariantCulture)}: in-scope {Figure(withThreshold.InScopeAccuracy)}, oos recall {Figure(withThreshold.OutOfScopeRecall)}";
            }

            output.WriteLine(line);
        }

        output.WriteLine($"intents: {splits[0].Train.Select(u => u.Intent).Distinct().Count()}");
        output.WriteLine($"in_scope_accuracy: {Spread(accuracy)}");
        output.WriteLine($"in_scope_accuracy_published_split: {Figure(accuracy[0])}");
        if (recall.Count > 0)
        {
            output.WriteLine($"thresholded_in_scope_accuracy: {Spread(inScope)}");
            output.WriteLine($"oos_recall: {Spread(recall)}");
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"train_seconds: {seconds.Average():F1} (mean per split)"));
    }

    private static void Report(TextWriter output, IntentModel model, IReadOnlyList<LabeledUtterance> test, TimeSpan trained)
    {
        var started = Stopwatch.GetTimestamp();
        var report = IntentEvaluation.Evaluate(model, test);
        var scored = Stopwatch.GetElapsedTime(started);
        output.WriteLine($"intents: {model.Intents.Count}");
        output.WriteLine($"model: {Encoder(model)}");
        output.WriteLine($"accuracy: {Figure(report.Accuracy)}");
        output.WriteLine($"macro_f1: {Figure(report.MacroF1)}");
        output.WriteLine($"in_scope_accuracy: {Figure(report.InScopeAccuracy)}");
        output.WriteLine($"oos_recall: {Figure(report.OutOfScopeRecall)}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"threshold: {model.OutOfScopeThreshold:F4}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"train_seconds: {trained.TotalSeconds:F1}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"classify_ms_per_message: {scored.TotalMilliseconds / Math.Max(1, test.Count):F4} (parallel over the cores)"));
    }

    private static string Encoder(IntentModel model) => model.UsesEncoder
        ? string.Create(CultureInfo.InvariantCulture, $"n-grams + sentence encoder (encoder weight {model.EncoderWeight:F1})")
        : "n-grams only";

    /// <summary>Mean first (so the line parses like a single figure), then the spread over the splits.</summary>
    private static string Spread(List<double> values)
    {
        var mean = values.Average();
        var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, values.Count - 1));
        return string.Create(CultureInfo.InvariantCulture, $"{mean:F4} ({mean * 100:F2}%) sd {sd * 100:F2} min {values.Min() * 100:F2} max {values.Max() * 100:F2} over {values.Count} splits");
    }

    /// <summary>A fraction with four decimals; n/a when the data set has no such items (HWU64 has no out-of-scope).</summary>
    internal static string Figure(double value)
        => double.IsNaN(value) ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{value:F4} ({value * 100:F2}%)");
}
