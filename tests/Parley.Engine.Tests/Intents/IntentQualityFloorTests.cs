using Parley.Engine.Intents;
using Xunit.Abstractions;

namespace Parley.Engine.Tests.Intents;

/// <summary>
/// Quality floors on public data with the default options, one point under what was measured, so a
/// change that costs accuracy fails here. Training uses only train and validation splits; the test
/// split is only scored. The figures print to the test output.
/// </summary>
public sealed class IntentQualityFloorTests(ITestOutputHelper output)
{
    [SharedDataFact]
    public void Clinc150_full_in_scope_accuracy_and_out_of_scope_recall()
    {
        var data = IntentDatasets.LoadClinc150(SharedData.File("intents", "clinc150", "data_full.json"));

        // oos_train trains the out-of-scope class; val + oos_val fit the temperature and threshold.
        var model = IntentTrainer.Train(
            [.. data.Train, .. data.OutOfScopeTrain],
            [.. data.Validation, .. data.OutOfScopeValidation]);
        var report = IntentEvaluation.Evaluate(model, [.. data.Test, .. data.OutOfScopeTest]);
        output.WriteLine($"CLINC150 full test: {report}; temperature {model.Temperature:F3}, threshold {model.OutOfScopeThreshold:F3}");

        // 100 examples per intent: Auto leaves the encoder out, so the full-data figures are the n-gram network's.
        Assert.False(model.UsesEncoder);

        // Measured: in-scope 93.00 %, OOS recall 75.90 %, accuracy 89.89 %, macro-F1 91.86 %.
        Assert.True(report.InScopeAccuracy >= 0.9200, report.ToString());
        Assert.True(report.OutOfScopeRecall >= 0.7490, report.ToString());
    }

    [SharedDataFact]
    public void Hwu64_accuracy()
    {
        var train = IntentDatasets.LoadHwu64(SharedData.File("intents", "hwu64", "train.csv"));
        var test = IntentDatasets.LoadHwu64(SharedData.File("intents", "hwu64", "test.csv"));

        // HWU64 has no out-of-scope items: plain 64-way accuracy, so the threshold is off.
        var model = IntentTrainer.Train(train, new IntentTrainingOptions { OutOfScopeThreshold = 0 });
        var report = IntentEvaluation.Evaluate(model, test);
        output.WriteLine($"HWU64 test: {report}; temperature {model.Temperature:F3}");
        Assert.False(model.UsesEncoder);

        // Measured: 89.03 %.
        Assert.True(report.Accuracy >= 0.8803, report.ToString());
    }

    /// <summary>
    /// The published 10-shot split (<c>fewshot_dnnc_splits/train_10.csv</c>) trained as a tenant's training is (default
    /// options: a fifth held out for calibration, then refit; Auto puts the sentence encoder in), scored on the whole
    /// in-scope test split with the threshold off, as <c>eval intents --shots 10</c> reports it.
    /// </summary>
    [SharedDataFact]
    public void Clinc150_ten_shot_in_scope_accuracy()
    {
        var data = IntentDatasets.LoadClinc150(SharedData.File("intents", "clinc150", "data_full.json"));
        var model = IntentTrainer.Train(IntentDatasets.LoadFewShot(SharedData.File("intents", "clinc150", "fewshot_dnnc_splits", "train_10.csv")));
        var report = IntentEvaluation.Evaluate(model.WithOutOfScopeThreshold(0), data.Test);
        output.WriteLine($"CLINC150 10-shot test: {report}; encoder weight {model.EncoderWeight:F1}");

        // Measured: 92.24 % with the head's hidden layer (decision 0029), 91.58 % with the linear head alone, 82.24 % n-grams alone.
        Assert.True(model.UsesEncoder);
        Assert.NotNull(model.Encoder!.Hidden);
        Assert.True(report.InScopeAccuracy >= 0.9180, report.ToString());
    }
}
