using Parley.Engine.Intents;

namespace Parley.Engine.Tests.Intents;

public sealed class IntentTrainerTests
{
    private static readonly IntentModel Model = IntentTrainer.Train([.. SyntheticIntents.Training, .. SyntheticIntents.OutOfScopeTraining]);

    [Fact]
    public void Held_out_paraphrases_get_their_intent()
    {
        var wrong = SyntheticIntents.HeldOutParaphrases
            .Select(u => (u, Model.Classify(u.Text)))
            .Where(pair => pair.Item2.Intent != pair.u.Intent)
            .Select(pair => $"{pair.u.Text} -> {pair.Item2.Intent}")
            .ToList();

        Assert.Empty(wrong);
    }

    [Theory]
    [InlineData("what's the weather today")]
    [InlineData("tell me a story about dragons")]
    [InlineData("")]
    [InlineData("!!!")]
    public void Confidence_is_a_probability_and_the_ranking_is_sorted_and_complete(string text)
    {
        var prediction = Model.Classify(text);

        Assert.InRange(prediction.Confidence, 0.0, 1.0);
        Assert.Equal(Model.Intents.Order(), prediction.Ranking.Select(r => r.Intent).Order());
        Assert.All(prediction.Ranking, r => Assert.InRange(r.Score, 0.0, 1.0));
        Assert.Equal(1.0, prediction.Ranking.Sum(r => r.Score), precision: 4);
        for (var i = 1; i < prediction.Ranking.Count; i++)
        {
            Assert.True(prediction.Ranking[i - 1].Score >= prediction.Ranking[i].Score, $"ranking not sorted at {i}");
        }
    }

    [Fact]
    public void An_in_scope_answer_is_the_top_of_the_ranking()
    {
        var prediction = Model.Classify("book a taxi to the airport please");

        Assert.False(prediction.OutOfScope);
        Assert.Equal("book_taxi", prediction.Intent);
        Assert.Equal(prediction.Ranking[0], (prediction.Intent, prediction.Confidence));
    }

    [Theory]
    [InlineData("what is the boiling point of mercury")]
    [InlineData("who painted the mona lisa")]
    [InlineData("what's the population of brazil")]
    [InlineData("xylophone zebra quantum")]
    [InlineData("")]
    public void Unrelated_text_is_out_of_scope(string text)
    {
        var prediction = Model.Classify(text);

        Assert.True(prediction.OutOfScope, $"{text} -> {prediction.Intent} ({prediction.Confidence:F2})");
        Assert.Equal(IntentModel.OutOfScopeIntent, prediction.Intent);
    }

    [Fact]
    public void Most_unrelated_messages_are_out_of_scope_and_paraphrases_are_not()
    {
        string[] unrelated =
        [
            "the quarterly tax report is due", "how are you", "give me a recipe for lasagna", "how far away is the moon",
            "can dogs eat chocolate", "explain photosynthesis", "what time is it in tokyo", "who won the world cup",
            "how do I learn french", "what does an accountant do", "who painted the mona lisa", "what is the boiling point of mercury",
        ];

        var caught = unrelated.Count(text => Model.Classify(text).OutOfScope);

        // Measured 9 of 12 with four intents of ten examples each; nearby wording ("what time is it")
        // is where so little data runs out. One below, so float rounding on another CPU cannot fail it.
        Assert.True(caught >= 8, $"only {caught} of {unrelated.Length} unrelated messages were out of scope");
        Assert.DoesNotContain(SyntheticIntents.HeldOutParaphrases, u => Model.Classify(u.Text).OutOfScope);
    }

    [Fact]
    public void Same_data_and_seed_give_the_same_model()
    {
        var again = IntentTrainer.Train([.. SyntheticIntents.Training, .. SyntheticIntents.OutOfScopeTraining]);

        foreach (var text in SyntheticIntents.Probes)
        {
            Assert.Equal(Model.Classify(text).Ranking, again.Classify(text).Ranking);
        }

        Assert.Equal(Model.Temperature, again.Temperature);
        Assert.Equal(Model.OutOfScopeThreshold, again.OutOfScopeThreshold);
    }

    [Fact]
    public void Another_seed_gives_another_model()
    {
        var other = IntentTrainer.Train(
            [.. SyntheticIntents.Training, .. SyntheticIntents.OutOfScopeTraining],
            new IntentTrainingOptions { Seed = 7 });

        Assert.Contains(SyntheticIntents.Probes, text => Model.Classify(text).Confidence != other.Classify(text).Confidence);
    }

    [Fact]
    public void A_fixed_threshold_is_kept()
    {
        var model = IntentTrainer.Train(SyntheticIntents.Training, new IntentTrainingOptions { OutOfScopeThreshold = 0.9 });

        Assert.Equal(0.9, model.OutOfScopeThreshold);
        Assert.DoesNotContain(IntentModel.OutOfScopeIntent, model.Intents);
    }

    [Fact]
    public void Training_needs_two_in_scope_intents()
    {
        var one = SyntheticIntents.Training.Where(u => u.Intent == "weather").Concat(SyntheticIntents.OutOfScopeTraining);

        Assert.Throws<ArgumentException>(() => IntentTrainer.Train(one));
    }

    [Fact]
    public void The_split_holds_out_a_share_of_every_intent_and_trains_on_each()
    {
        var (training, validation) = IntentTrainer.StratifiedSplit([.. SyntheticIntents.Training], 0.2, seed: 1);

        Assert.Equal(SyntheticIntents.Training.Count, training.Count + validation.Count);
        Assert.All(validation.GroupBy(u => u.Intent), g => Assert.Equal(2, g.Count()));
        Assert.Empty(training.Intersect(validation));
    }
}
