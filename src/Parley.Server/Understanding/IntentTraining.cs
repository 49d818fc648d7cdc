using System.Diagnostics;
using Microsoft.Extensions.Options;
using Parley.Engine.Intents;

namespace Parley.Server.Understanding;

/// <summary>
/// Trains a tenant's model on its effective intents (defaults merged with its own). Besides the model it
/// measures accuracy on a held-out fifth of every intent with a second, smaller training: about half the
/// cost again, worth it because a tenant otherwise has no idea whether its examples separate its intents.
/// Trainings run one at a time per instance so that several tenants retraining cannot starve chat turns.
/// </summary>
public sealed class IntentTraining(IOptions<UnderstandingOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IntentTrainingOptions _training = new()
    {
        Encoder = options.Value.IntentEncoder,
        EncoderBelowMedian = options.Value.IntentEncoderBelowMedian,
        EncoderHiddenUnits = options.Value.IntentEncoderHiddenUnits,
        SecondEncoder = options.Value.IntentSecondEncoder,
    };

    public async Task<(IntentModel Model, byte[] Bytes, TrainingStats Stats)> TrainAsync(
        IReadOnlyList<TenantIntent> intents, int version, DateTime now, CancellationToken cancellationToken)
    {
        var examples = IntentCatalog.TrainingExamples(intents);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(() => Train(intents, examples, version, now), cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private (IntentModel, byte[], TrainingStats) Train(IReadOnlyList<TenantIntent> intents, List<LabeledUtterance> examples, int version, DateTime now)
    {
        var started = Stopwatch.GetTimestamp();
        IntentModel model = null!;
        IntentEvaluationReport? heldOut = null;
        var (training, validation) = IntentTrainer.StratifiedSplit(examples, 0.2, seed: 42);
        // Both trainings read the same texts: whichever starts first embeds them, the other waits and reuses them.
        var vectors = new SentenceVectors(_training.SecondEncoder);
        Parallel.Invoke(
            () => model = IntentTrainer.Train(examples, _training, vectors),
            () => heldOut = validation.Count == 0 ? null
                : IntentEvaluation.Evaluate(IntentTrainer.Train(training, validation, _training with
                {
                    RefitOnAllData = false,
                    // The measuring model decides as the real one does, on all the examples, not on four fifths of them.
                    Encoder = IntentTrainer.UsesEncoder(_training, examples) ? IntentEncoder.Always : IntentEncoder.Never,
                }, vectors), validation));
        using var stream = new MemoryStream();
        model.Save(stream);
        var bytes = stream.ToArray();
        var took = Stopwatch.GetElapsedTime(started);
        var stats = new TrainingStats(
            version,
            model.Intents.Count,
            examples.Count,
            intents.Count(i => !IntentCatalog.IsDefault(i.Name) && i.Enabled),
            intents.Count(i => IntentCatalog.IsDefault(i.Name) && i.Enabled),
            intents.Count(i => !i.Enabled),
            Math.Round(took.TotalMilliseconds, 1),
            heldOut is null ? null : Math.Round(heldOut.Accuracy, 4),
            heldOut is null || double.IsNaN(heldOut.MacroF1) ? null : Math.Round(heldOut.MacroF1, 4),
            validation.Count,
            bytes.LongLength,
            model.Intents,
            now,
            model.UsesEncoder);
        return (model, bytes, stats);
    }

    public void Dispose() => _gate.Dispose();
}
