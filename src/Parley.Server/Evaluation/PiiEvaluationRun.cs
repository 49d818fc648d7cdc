using System.Diagnostics;
using System.Globalization;
using Parley.Engine.Redaction;
using Parley.Engine.Redaction.Evaluation;

namespace Parley.Server.Evaluation;

/// <summary>What <c>eval pii</c> does besides scoring the shipped redactor.</summary>
/// <param name="Folds">Also cross-validate: the learned tagger trained on all folds but one, scored on that one, in turn.</param>
/// <param name="WriteModel">Train the tagger on the whole file and write it here (the embedded resource the engine ships).</param>
public sealed record PiiEvaluationOptions(int? Folds = null, string? WriteModel = null);

/// <summary>
/// <c>eval pii</c>: runs the redactor with every type on over presidio-research's synthetic set (a JSON
/// file, or the first <c>*.json</c> in a directory) and prints span precision, recall and F2 at
/// IoU >= 0.9: the PII-versus-not-PII figure Presidio publishes (types ignored), the same with types
/// mapped to Presidio's names, and recall per gold type.
/// </summary>
public static class PiiEvaluationRun
{
    public static Task RunAsync(string path, TextWriter output, CancellationToken cancellationToken) =>
        RunAsync(path, new PiiEvaluationOptions(), output, cancellationToken);

    public static Task RunAsync(string path, PiiEvaluationOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var file = Directory.Exists(path)
            ? Directory.GetFiles(path, "*.json").Order(StringComparer.Ordinal).FirstOrDefault()
                ?? throw new InvalidDataException($"No *.json data set in {path}.")
            : File.Exists(path) ? path : throw new FileNotFoundException($"No file or directory at {path}.");
        return Task.Run(() => Run(file, options, output), cancellationToken);
    }

    private static void Run(string file, PiiEvaluationOptions options, TextWriter output)
    {
        var samples = PresidioDataset.Load(file);
        var c = CultureInfo.InvariantCulture;
        if (options.WriteModel is { } modelFile)
        {
            var started = Stopwatch.GetTimestamp();
            var tagger = PiiTaggerTraining.Train(samples);
            using (var stream = File.Create(modelFile))
            {
                tagger.Save(stream);
            }

            output.WriteLine(string.Create(c, $"model: {modelFile} ({new FileInfo(modelFile).Length} bytes, {tagger.FeatureCount} features, trained in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s on {samples.Count} texts)"));
            return;
        }

        if (options.Folds is { } folds)
        {
            output.WriteLine($"dataset: {Path.GetFileName(file)} ({samples.Count} texts), {folds}-fold cross-validation of the learned tagger, IoU >= 0.9");
            foreach (var result in PiiTaggerTraining.CrossValidate(samples, folds))
            {
                var name = result.IsDefault ? "cv" : $"cv_{result.Combination}";
                output.WriteLine(string.Create(c, $"{name}_span_precision: {result.Ignored.Overall.Precision:F4}{(result.IsDefault ? $" ({result.Combination}, the shipped combination)" : "")}"));
                output.WriteLine(string.Create(c, $"{name}_span_recall: {result.Ignored.Overall.Recall:F4}"));
                output.WriteLine(string.Create(c, $"{name}_span_f2: {result.Ignored.Overall.F2:F4}"));
                output.WriteLine(string.Create(c, $"{name}_typed_f2: {result.Mapped.Overall.F2:F4}"));
                foreach (var (type, score) in result.Mapped.ByGoldType.OrderByDescending(kv => kv.Value.Gold).ThenBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    output.WriteLine(string.Create(c, $"{name}_recall {type}: {score.Recall:F4} ({score.MatchedGold}/{score.Gold})"));
                }
            }
        }

        var redactor = new PiiRedactor(PiiEvaluation.EveryType);
        var ignored = PiiEvaluation.Evaluate(samples, redactor, TypeMatching.Ignored);
        var mapped = PiiEvaluation.Evaluate(samples, redactor, TypeMatching.Mapped);
        output.WriteLine($"dataset: {Path.GetFileName(file)} ({samples.Count} texts, {ignored.Overall.Gold} gold spans), IoU >= 0.9");
        output.WriteLine(string.Create(c, $"span_precision: {ignored.Overall.Precision:F4}"));
        output.WriteLine(string.Create(c, $"span_recall: {ignored.Overall.Recall:F4}"));
        output.WriteLine(string.Create(c, $"span_f2: {ignored.Overall.F2:F4}"));
        output.WriteLine(string.Create(c, $"typed_precision: {mapped.Overall.Precision:F4}"));
        output.WriteLine(string.Create(c, $"typed_recall: {mapped.Overall.Recall:F4}"));
        output.WriteLine(string.Create(c, $"typed_f2: {mapped.Overall.F2:F4}"));
        foreach (var (type, score) in mapped.ByGoldType.OrderByDescending(kv => kv.Value.Gold).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            output.WriteLine(string.Create(c, $"recall {type}: {score.Recall:F4} ({score.MatchedGold}/{score.Gold})"));
        }

        foreach (var (type, score) in mapped.ByPredictedType.OrderByDescending(kv => kv.Value.Predicted).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            output.WriteLine(string.Create(c, $"precision {type}: {score.Precision:F4} ({score.MatchedPredicted}/{score.Predicted})"));
        }
    }
}
