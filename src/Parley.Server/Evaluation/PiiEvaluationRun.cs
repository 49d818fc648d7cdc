using System.Diagnostics;
using System.Globalization;
using Parley.Engine.Redaction;
using Parley.Engine.Redaction.Evaluation;
using Parley.Engine.Redaction.Learned;

namespace Parley.Server.Evaluation;

/// <summary>What <c>eval pii</c> does besides scoring the shipped redactor.</summary>
/// <param name="Folds">Also cross-validate: the learned tagger trained on all folds but one, scored on that one, in turn.</param>
/// <param name="WriteModel">Train the tagger on the whole file and write it here (the embedded resource the engine ships).</param>
/// <param name="Chat">The intent data directory (CLINC150 and HWU64) whose utterances are ordinary chat: training negatives, validation for the gate, test for the false-positive figure. Default: <c>intents</c> beside the PII data's parent.</param>
/// <param name="Negatives">How many training utterances to add as negatives (spread evenly over the training split); 0 for none.</param>
/// <param name="TitleCaseEvery">One negative in this many also gets a random word capitalised (0: none).</param>
/// <param name="Model">Score the redactor with this tagger (a file <paramref name="WriteModel"/> wrote) instead of the shipped one: a model trained on one part of a data set, scored on another.</param>
public sealed record PiiEvaluationOptions(int? Folds = null, string? WriteModel = null, string? Chat = null, int Negatives = PiiEvaluationOptions.DefaultNegatives, int TitleCaseEvery = PiiEvaluationOptions.DefaultTitleCaseEvery, string? Model = null)
{
    /// <summary>What the shipped model was trained with (docs/quality.md: chosen by cross-validation).</summary>
    public const int DefaultNegatives = 6000;

    /// <summary>What the shipped model was trained with.</summary>
    public const int DefaultTitleCaseEvery = 6;
}

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
        var chatDirectory = options.Chat ?? Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "..", "..", "intents"));
        var hasChat = Directory.Exists(chatDirectory);
        var negatives = hasChat && options.Negatives > 0 ? ChatUtterances.Spread(ChatUtterances.Load(chatDirectory, ChatSplit.Train), options.Negatives) : [];
        if (options.WriteModel is { } modelFile)
        {
            if (!hasChat && options.Negatives > 0)
            {
                throw new FileNotFoundException($"No chat text for the negatives at {chatDirectory} (pass --chat <intents directory>, or --negatives 0).");
            }

            var started = Stopwatch.GetTimestamp();
            var tagger = PiiTaggerTraining.Train(samples, ChatUtterances.Negatives(negatives, options.TitleCaseEvery));
            using (var stream = File.Create(modelFile))
            {
                tagger.Save(stream);
            }

            output.WriteLine(string.Create(c, $"model: {modelFile} ({new FileInfo(modelFile).Length} bytes, {tagger.FeatureCount} features, trained in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s on {samples.Count} texts and {negatives.Count} chat negatives)"));
            return;
        }

        if (options.Folds is { } folds)
        {
            output.WriteLine($"dataset: {Path.GetFileName(file)} ({samples.Count} texts), {folds}-fold cross-validation of the learned tagger, IoU >= 0.9, {negatives.Count} chat negatives in each training set");
            var validation = hasChat ? ChatUtterances.Load(chatDirectory, ChatSplit.Validation) : [];
            var cv = PiiTaggerTraining.CrossValidate(samples, folds, ChatUtterances.Negatives(negatives, options.TitleCaseEvery), validation);
            foreach (var result in cv.Combinations)
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

            output.WriteLine($"gate sweep (guarded; lone = a one-word name, place or organisation with no cue; chat = spans per 1,000 CLINC150 validation utterances, {validation.Count}, first letter capitalised; title-cased = the same with one more word capitalised)");
            foreach (var g in cv.Gates)
            {
                var recall = (string type) => g.Mapped.ByGoldType.TryGetValue(type, out var s) ? s.Recall : 0;
                var lone = g.Gate.LoneWordMargin == float.MaxValue ? "never" : g.Gate.LoneWordMargin.ToString("F0", c);
                output.WriteLine(string.Create(c, $"cv_gate lone>={lone,-5} min>={g.Gate.MinMargin:F0}: f2 {g.Ignored.Overall.F2:F4}  P {g.Ignored.Overall.Precision:F3} R {g.Ignored.Overall.Recall:F3}  PERSON {recall("PERSON"):F3} GPE {recall("GPE"):F3} ORG {recall("ORGANIZATION"):F3} STREET {recall("STREET_ADDRESS"):F3} ZIP {recall("ZIP_CODE"):F3}  chat {g.Chat.SpansPerThousand,5:F1}  title-cased {g.TitleCasedChat.SpansPerThousand,5:F1}{(g.IsShipped ? "  (shipped)" : "")}"));
            }
        }

        var redactor = options.Model is { } model ? PiiTaggerTraining.WithTagger(LoadTagger(model)) : new PiiRedactor(PiiEvaluation.EveryType);
        if (options.Model is not null)
        {
            output.WriteLine($"tagger: {options.Model} (not the shipped model)");
        }

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

        if (!hasChat)
        {
            output.WriteLine($"chat: not run (no intent data at {chatDirectory}; pass --chat <intents directory>)");
            return;
        }

        // Held out: the test utterances are used for nothing else (not training, not the gate).
        var chat = ChatUtterances.Load(chatDirectory, ChatSplit.Test);
        var shipped = ChatFlagReport.Measure(redactor, chat, examples: 12);
        var rules = ChatFlagReport.Measure(PiiTaggerTraining.RulesAlone(), chat);
        output.WriteLine($"chat test: {chat.Count} CLINC150 and HWU64 test utterances (entity-free HWU64 rows), first letter capitalised; spans of PERSON, ORGANIZATION, STREET_ADDRESS, LOCATION, ZIP_CODE, every type on");
        output.WriteLine(string.Create(c, $"chat_spans_per_1000: {shipped.SpansPerThousand:F1} ({shipped.Spans} spans in {shipped.UtterancesFlagged} utterances)"));
        output.WriteLine(string.Create(c, $"chat_spans_per_1000_rules_alone: {rules.SpansPerThousand:F1} ({rules.Spans} spans in {rules.UtterancesFlagged} utterances)"));
        var titled = ChatUtterances.Negatives(chat, titleCaseEvery: 1, seed: 31).ConvertAll(e => e.Text);
        var shippedTitled = ChatFlagReport.Measure(redactor, titled, examples: 12);
        var rulesTitled = ChatFlagReport.Measure(PiiTaggerTraining.RulesAlone(), titled);
        output.WriteLine(string.Create(c, $"chat_title_cased_spans_per_1000: {shippedTitled.SpansPerThousand:F1} ({shippedTitled.Spans} spans in {shippedTitled.UtterancesFlagged} utterances; the same utterances with one more word capitalised, as product names are written)"));
        output.WriteLine(string.Create(c, $"chat_title_cased_spans_per_1000_rules_alone: {rulesTitled.SpansPerThousand:F1} ({rulesTitled.Spans} spans in {rulesTitled.UtterancesFlagged} utterances)"));
        var n = 0;
        foreach (var example in shipped.Examples.Concat(shippedTitled.Examples))
        {
            output.WriteLine(string.Create(c, $"chat_flagged_{++n}: {example}"));
        }
    }

    private static EntityTagger LoadTagger(string file)
    {
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"No tagger model at {file}.");
        }

        try
        {
            using var stream = File.OpenRead(file);
            return EntityTagger.Load(stream);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException or ArgumentException or OverflowException)
        {
            throw new InvalidDataException($"{file} is not a tagger model written by eval pii --write-model: {e.Message}", e);
        }
    }
}
