using Parley.Engine.Intents;

namespace Parley.Engine.Tests.Intents;

public sealed class IntentEvaluationTests
{
    private const string Oos = IntentModel.OutOfScopeIntent;

    [Fact]
    public void Figures_follow_Larson_et_al()
    {
        // 4 in-scope items (a, a, b, b) and 2 out-of-scope ones.
        string[] gold = ["a", "a", "b", "b", Oos, Oos];
        string[] predicted = ["a", Oos, "b", "a", Oos, "b"];

        var report = IntentEvaluation.Score(gold, predicted);

        Assert.Equal(6, report.Count);
        Assert.Equal(2, report.OutOfScopeCount);
        Assert.Equal(3.0 / 6, report.Accuracy, precision: 10);
        // Predicting out of scope for an in-scope item is wrong: 2 of 4.
        Assert.Equal(2.0 / 4, report.InScopeAccuracy, precision: 10);
        Assert.Equal(1.0 / 2, report.OutOfScopeRecall, precision: 10);
        // a: tp 1, gold 2, predicted 2 -> F1 0.5; b: tp 1, gold 2, predicted 2 (one of them out of scope) -> 0.5.
        Assert.Equal(0.5, report.MacroF1, precision: 10);
    }

    [Fact]
    public void Macro_F1_averages_over_in_scope_intents_only()
    {
        string[] gold = ["a", "a", "a", "b", Oos];
        string[] predicted = ["a", "a", "a", "a", Oos];

        var report = IntentEvaluation.Score(gold, predicted);

        // a: precision 3/4, recall 1 -> 6/7; b: 0. Out of scope is not averaged in.
        Assert.Equal((6.0 / 7) / 2, report.MacroF1, precision: 10);
    }

    [Fact]
    public void Without_out_of_scope_items_the_recall_is_undefined()
    {
        var report = IntentEvaluation.Score(["a", "b"], ["a", "a"]);

        Assert.True(double.IsNaN(report.OutOfScopeRecall));
        Assert.Equal(0.5, report.Accuracy);
        Assert.Equal(0.5, report.InScopeAccuracy);
    }

    [Fact]
    public void Evaluate_classifies_every_item()
    {
        var model = IntentTrainer.Train([.. SyntheticIntents.Training, .. SyntheticIntents.OutOfScopeTraining]);

        var report = IntentEvaluation.Evaluate(model, SyntheticIntents.HeldOutParaphrases);

        Assert.Equal(SyntheticIntents.HeldOutParaphrases.Count, report.Count);
        Assert.Equal(1.0, report.InScopeAccuracy);
    }
}
