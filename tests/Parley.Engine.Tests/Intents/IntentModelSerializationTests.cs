using Parley.Engine.Intents;

namespace Parley.Engine.Tests.Intents;

public sealed class IntentModelSerializationTests
{
    private static readonly IntentModel Model = IntentTrainer.Train([.. SyntheticIntents.Training, .. SyntheticIntents.OutOfScopeTraining]);

    [Fact]
    public void A_loaded_model_answers_exactly_like_the_saved_one()
    {
        var loaded = RoundTrip(Model);

        Assert.Equal(Model.Intents, loaded.Intents);
        Assert.Equal(Model.Temperature, loaded.Temperature);
        Assert.Equal(Model.OutOfScopeThreshold, loaded.OutOfScopeThreshold);
        foreach (var text in SyntheticIntents.Probes.Concat(SyntheticIntents.HeldOutParaphrases.Select(u => u.Text)))
        {
            Assert.Equal(Model.Classify(text), loaded.Classify(text), PredictionComparer.Instance);
        }
    }

    [Fact]
    public void Saving_a_loaded_model_gives_the_same_bytes()
    {
        using var first = new MemoryStream();
        Model.Save(first);

        using var second = new MemoryStream();
        RoundTrip(Model).Save(second);

        Assert.Equal(first.ToArray(), second.ToArray());
    }

    [Fact]
    public void Other_data_is_refused()
    {
        using var stream = new MemoryStream("not a model at all"u8.ToArray());

        Assert.Throws<InvalidDataException>(() => IntentModel.Load(stream));
    }

    [Fact]
    public void A_truncated_model_is_refused()
    {
        using var whole = new MemoryStream();
        Model.Save(whole);
        using var half = new MemoryStream(whole.ToArray()[..(int)(whole.Length / 2)]);

        Assert.Throws<InvalidDataException>(() => IntentModel.Load(half));
    }

    private static IntentModel RoundTrip(IntentModel model)
    {
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        return IntentModel.Load(stream);
    }

    /// <summary>Records compare their ranking lists by reference; this compares them by content.</summary>
    private sealed class PredictionComparer : IEqualityComparer<IntentPrediction>
    {
        public static readonly PredictionComparer Instance = new();

        public bool Equals(IntentPrediction? x, IntentPrediction? y) =>
            x is not null && y is not null && x.Intent == y.Intent && x.Confidence == y.Confidence &&
            x.OutOfScope == y.OutOfScope && x.Ranking.SequenceEqual(y.Ranking);

        public int GetHashCode(IntentPrediction obj) => obj.Intent.GetHashCode(StringComparison.Ordinal);
    }
}
