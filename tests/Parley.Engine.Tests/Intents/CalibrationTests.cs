using Parley.Engine.Intents;

namespace Parley.Engine.Tests.Intents;

public sealed class CalibrationTests
{
    [Fact]
    public void An_overconfident_model_gets_a_temperature_above_one()
    {
        // Two classes, logits +-10 (p = 0.99999999) but right only 3 times in 4.
        var items = Enumerable.Range(0, 400)
            .Select(i => new HeldOutScores([10f, -10f], Label: i % 4 == 0 ? 1 : 0, IsOutOfScope: false))
            .ToList();

        var temperature = Calibration.FitTemperature(items, classCount: 2);

        // The NLL optimum puts p(right) at 0.75: 20 / T = ln 3.
        Assert.Equal(20 / Math.Log(3), temperature, precision: 2);
    }

    [Fact]
    public void Too_few_held_out_examples_keep_the_raw_scores()
    {
        var items = Enumerable.Range(0, 10).Select(_ => new HeldOutScores([5f, 0f], 0, false)).ToList();

        Assert.Equal(1.0, Calibration.FitTemperature(items, classCount: 2));
    }

    [Fact]
    public void The_threshold_turns_away_at_most_the_allowed_share_of_right_answers()
    {
        // 200 in-scope messages answered right with scores 0.005, 0.010, ..., 1.000; 50 out-of-scope ones.
        var items = Enumerable.Range(1, 200)
            .Select(i => new ThresholdItem(i / 200.0, Correct: true, PredictedOutOfScope: false, IsOutOfScope: false))
            .Concat(Enumerable.Range(0, 50).Select(_ => new ThresholdItem(0.3, false, false, IsOutOfScope: true)))
            .ToList();

        var threshold = Calibration.FitThreshold(items, maxAccuracyLoss: 0.02, minimumInScope: 100);

        // 2% of 200 is 4: scores 0.005 .. 0.020 fall below, 0.025 stays.
        Assert.Equal(0.025, threshold!.Value, precision: 10);
        Assert.Null(Calibration.FitThreshold(items, 0.02, minimumInScope: 201));
    }

    [Fact]
    public void Invalid_options_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            IntentTrainer.Train(SyntheticIntents.Training, new IntentTrainingOptions { HiddenUnits = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            IntentTrainer.Train(SyntheticIntents.Training, new IntentTrainingOptions { ValidationFraction = 1 }));
    }
}
