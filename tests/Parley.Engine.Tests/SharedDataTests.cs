namespace Parley.Engine.Tests;

public sealed class SharedDataTests
{
    [SharedDataFact]
    public void The_evaluation_data_beside_the_repository_is_found()
    {
        Assert.True(File.Exists(SharedData.File("intents", "clinc150", "data_full.json")), SharedData.Root);
        Assert.True(File.Exists(SharedData.File("pii", "presidio_synth", "synth_dataset_v2.half_a.json")), SharedData.Root);
    }
}
