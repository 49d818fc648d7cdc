using System.Diagnostics;
using System.Globalization;
using Parley.Engine.Intents;

namespace Parley.Server.Evaluation;

/// <summary>
/// <c>eval intents</c>: trains the built-in classifier on a data set's training split (with its
/// validation split for calibration where it has one) and scores the test split. The format is chosen
/// by what the path holds: a CLINC150 JSON file (or a directory with <c>data_full.json</c>), or an HWU64
/// directory with <c>train.csv</c> and <c>test.csv</c>.
/// </summary>
public static class IntentsEvaluation
{
    public static Task RunAsync(string path, TextWriter output, CancellationToken cancellationToken)
    {
        if (File.Exists(path) && path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return Task.Run(() => Clinc150(path, output), cancellationToken);
        }

        if (Directory.Exists(path) && File.Exists(Path.Combine(path, "data_full.json")))
        {
            return Task.Run(() => Clinc150(Path.Combine(path, "data_full.json"), output), cancellationToken);
        }

        if (Directory.Exists(path) && File.Exists(Path.Combine(path, "train.csv")) && File.Exists(Path.Combine(path, "test.csv")))
        {
            return Task.Run(() => Hwu64(path, output), cancellationToken);
        }

        throw new InvalidDataException(
            $"No intent data set at {path}: expected a CLINC150 JSON file or a directory with data_full.json, or an HWU64 directory with train.csv and test.csv.");
    }

    /// <summary>oos_train trains the out-of-scope class; val + oos_val fit the temperature and threshold; test + oos_test are scored.</summary>
    private static void Clinc150(string file, TextWriter output)
    {
        var data = IntentDatasets.LoadClinc150(file);
        output.WriteLine($"dataset: CLINC150 ({Path.GetFileName(file)})");
        output.WriteLine($"train: {data.Train.Count + data.OutOfScopeTrain.Count} examples; calibration: {data.Validation.Count + data.OutOfScopeValidation.Count}; test: {data.Test.Count + data.OutOfScopeTest.Count} (out of scope {data.OutOfScopeTest.Count})");
        var started = Stopwatch.GetTimestamp();
        var model = IntentTrainer.Train([.. data.Train, .. data.OutOfScopeTrain], [.. data.Validation, .. data.OutOfScopeValidation]);
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

    private static void Report(TextWriter output, IntentModel model, IReadOnlyList<LabeledUtterance> test, TimeSpan trained)
    {
        var started = Stopwatch.GetTimestamp();
        var report = IntentEvaluation.Evaluate(model, test);
        var scored = Stopwatch.GetElapsedTime(started);
        output.WriteLine($"intents: {model.Intents.Count}");
        output.WriteLine($"accuracy: {Figure(report.Accuracy)}");
        output.WriteLine($"macro_f1: {Figure(report.MacroF1)}");
        output.WriteLine($"in_scope_accuracy: {Figure(report.InScopeAccuracy)}");
        output.WriteLine($"oos_recall: {Figure(report.OutOfScopeRecall)}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"train_seconds: {trained.TotalSeconds:F1}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"classify_ms_per_message: {scored.TotalMilliseconds / Math.Max(1, test.Count):F4} (parallel over the cores)"));
    }

    /// <summary>A fraction with four decimals; n/a when the data set has no such items (HWU64 has no out-of-scope).</summary>
    internal static string Figure(double value)
        => double.IsNaN(value) ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{value:F4} ({value * 100:F2}%)");
}
