namespace Parley.Engine.Intents;

/// <summary>Figures for one test set, as fractions in [0, 1].</summary>
/// <param name="Accuracy">Share of all items answered right; an out-of-scope item is right when predicted out of scope.</param>
/// <param name="MacroF1">Mean F1 over the in-scope intents of the test set; predicting out of scope is a miss.</param>
/// <param name="InScopeAccuracy">Accuracy on the in-scope items, predicting out of scope counting as wrong (Larson et al. 2019).</param>
/// <param name="OutOfScopeRecall">Share of the out-of-scope items predicted out of scope; NaN when there are none.</param>
public sealed record IntentEvaluationReport(
    int Count,
    int OutOfScopeCount,
    double Accuracy,
    double MacroF1,
    double InScopeAccuracy,
    double OutOfScopeRecall)
{
    public override string ToString() =>
        $"n={Count} (oos {OutOfScopeCount}) accuracy={Accuracy:P2} macro-F1={MacroF1:P2} " +
        $"in-scope accuracy={InScopeAccuracy:P2} oos recall={OutOfScopeRecall:P2}";
}

/// <summary>Measures a model on labelled data; items labelled <see cref="IntentModel.OutOfScopeIntent"/> are out of scope.</summary>
public static class IntentEvaluation
{
    /// <param name="model">The model to measure.</param>
    /// <param name="test">Labelled messages.</param>
    /// <param name="vectors">
    /// The messages' <see cref="Embeddings.SentenceEmbedder.Shared"/> vectors or the model's whole
    /// <see cref="IntentModel.EncoderInputs"/>, in order, when the caller has them (to score several models on one test
    /// set); null embeds them here, in batches, if the model <see cref="IntentModel.UsesEncoder"/>.
    /// </param>
    public static IntentEvaluationReport Evaluate(IntentModel model, IEnumerable<LabeledUtterance> test, IReadOnlyList<float[]>? vectors = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var items = test.ToArray();
        var predicted = new string[items.Length];
        if (vectors is not null && vectors.Count != items.Length)
        {
            throw new ArgumentException("One vector per test message.", nameof(vectors));
        }

        // An encoder-backed model's vectors are computed in batches first (about half the cost of one at a time).
        var inputs = model.Encoder is { } head && vectors is { Count: > 0 } && vectors[0].Length == head.InputDimensions
            ? vectors
            : model.EncoderInputs(items.Select(i => i.Text).ToList(), vectors);
        Parallel.For(0, items.Length, i => predicted[i] = model.ClassifyInput(items[i].Text, inputs?[i]).Intent);
        return Score(items.Select(i => i.Intent).ToArray(), predicted);
    }

    /// <summary>The figures for gold and predicted labels given side by side.</summary>
    public static IntentEvaluationReport Score(IReadOnlyList<string> gold, IReadOnlyList<string> predicted)
    {
        if (gold.Count != predicted.Count)
        {
            throw new ArgumentException("Gold and predicted labels differ in number.", nameof(predicted));
        }

        const string Oos = IntentModel.OutOfScopeIntent;
        int correct = 0, inScope = 0, inScopeCorrect = 0, outOfScope = 0, outOfScopeCaught = 0;
        var truePositives = new Dictionary<string, int>();
        var predictedCounts = new Dictionary<string, int>();
        var goldCounts = new Dictionary<string, int>();
        for (var i = 0; i < gold.Count; i++)
        {
            var (g, p) = (gold[i], predicted[i]);
            correct += g == p ? 1 : 0;
            predictedCounts[p] = predictedCounts.GetValueOrDefault(p) + 1;
            if (g == Oos)
            {
                outOfScope++;
                outOfScopeCaught += p == Oos ? 1 : 0;
                continue;
            }

            inScope++;
            goldCounts[g] = goldCounts.GetValueOrDefault(g) + 1;
            if (g == p)
            {
                inScopeCorrect++;
                truePositives[g] = truePositives.GetValueOrDefault(g) + 1;
            }
        }

        var f1 = goldCounts.Keys.Select(intent =>
        {
            var tp = truePositives.GetValueOrDefault(intent);
            return tp == 0 ? 0.0 : 2.0 * tp / (goldCounts[intent] + predictedCounts[intent]);
        }).ToList();

        return new IntentEvaluationReport(
            gold.Count,
            outOfScope,
            gold.Count == 0 ? double.NaN : (double)correct / gold.Count,
            f1.Count == 0 ? double.NaN : f1.Average(),
            inScope == 0 ? double.NaN : (double)inScopeCorrect / inScope,
            outOfScope == 0 ? double.NaN : (double)outOfScopeCaught / outOfScope);
    }
}
