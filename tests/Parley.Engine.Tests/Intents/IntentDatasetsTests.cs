using Parley.Engine.Intents;

namespace Parley.Engine.Tests.Intents;

public sealed class IntentDatasetsTests
{
    [SharedDataFact]
    public void Clinc150_full_has_the_published_split_sizes()
    {
        var data = IntentDatasets.LoadClinc150(SharedData.File("intents", "clinc150", "data_full.json"));

        Assert.Equal(15_000, data.Train.Count);
        Assert.Equal(3_000, data.Validation.Count);
        Assert.Equal(4_500, data.Test.Count);
        Assert.Equal(100, data.OutOfScopeTrain.Count);
        Assert.Equal(100, data.OutOfScopeValidation.Count);
        Assert.Equal(1_000, data.OutOfScopeTest.Count);
        Assert.Equal(150, data.Train.Select(u => u.Intent).Distinct().Count());
        Assert.All(data.OutOfScopeTest, u => Assert.Equal(IntentModel.OutOfScopeIntent, u.Intent));
        Assert.DoesNotContain(data.Test, u => u.Intent == IntentModel.OutOfScopeIntent);
    }

    [SharedDataFact]
    public void Hwu64_has_64_intents_and_the_published_sizes()
    {
        var train = IntentDatasets.LoadHwu64(SharedData.File("intents", "hwu64", "train.csv"));
        var test = IntentDatasets.LoadHwu64(SharedData.File("intents", "hwu64", "test.csv"));

        Assert.Equal(9_960, train.Count);
        Assert.Equal(1_076, test.Count);
        Assert.Equal(64, train.Select(u => u.Intent).Distinct().Count());
        Assert.Contains(train, u => u.Text == "what alarms do i have set right now" && u.Intent == "alarm_query");
    }

    [Theory]
    [InlineData("a,b,c", new[] { "a", "b", "c" })]
    [InlineData("\"a, with comma\",\"b\"", new[] { "a, with comma", "b" })]
    [InlineData("\"say \"\"hi\"\"\",x", new[] { "say \"hi\"", "x" })]
    [InlineData("a,,", new[] { "a", "", "" })]
    public void Csv_lines_follow_rfc_4180(string line, string[] fields)
    {
        Assert.Equal(fields, IntentDatasets.ParseCsvLine(line));
    }
}
