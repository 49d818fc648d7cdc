using System.ComponentModel.DataAnnotations;

namespace Parley.Server.Understanding;

/// <summary>Limits on what a tenant may define, and how often instances look for changes made elsewhere.</summary>
public sealed class UnderstandingOptions
{
    public const string Section = "Parley:Understanding";

    /// <summary>
    /// A tenant's intent model, lookup lists and redaction settings are kept in memory; after this many
    /// seconds the next turn compares one revision stamp with the database (one primary-key read) and
    /// reloads only if another instance changed something. 0 compares on every turn.
    /// </summary>
    [Range(0, 3600)]
    public int RefreshSeconds { get; set; } = 5;

    [Range(2, 2000)]
    public int MaxIntents { get; set; } = 300;

    [Range(1, 5000)]
    public int MaxExamplesPerIntent { get; set; } = 500;

    /// <summary>Bounds training time: the trainer's cost grows with the number of examples.</summary>
    [Range(10, 200_000)]
    public int MaxTrainingExamples { get; set; } = 20_000;

    [Range(10, 4000)]
    public int MaxExampleLength { get; set; } = 300;

    [Range(1, 1000)]
    public int MaxLookupLists { get; set; } = 100;

    [Range(1, 100_000)]
    public int MaxLookupEntries { get; set; } = 5000;

    [Range(0, 10_000)]
    public int MaxAllowlistValues { get; set; } = 500;

    /// <summary>
    /// Whether a tenant's trained intent model carries the sentence-encoder head (docs/quality.md, "Intents: a
    /// sentence encoder for few examples"): Auto when the median intent has fewer than <see cref="IntentEncoderBelowMedian"/>
    /// examples, Always, or Never. It costs each of the tenant's chat turns one encoder call (5-10 ms of CPU).
    /// The built-in model of tenants that have not trained never uses it.
    /// </summary>
    [EnumDataType(typeof(Parley.Engine.Intents.IntentEncoder))]
    public Parley.Engine.Intents.IntentEncoder IntentEncoder { get; set; } = Parley.Engine.Intents.IntentEncoder.Auto;

    /// <summary>With <see cref="IntentEncoder"/> Auto: the encoder is used when the median intent (defaults included) has fewer examples than this.</summary>
    [Range(1, 5000)]
    public int IntentEncoderBelowMedian { get; set; } = 30;

    /// <summary>
    /// Hidden ReLU units of the network trained beside the encoder head's linear layer (decision 0029); 0 keeps the head
    /// linear. Only models that carry the encoder head have it.
    /// </summary>
    [Range(0, 1024)]
    public int IntentEncoderHiddenUnits { get; set; } = 256;

    /// <summary>
    /// Whether models with the encoder head also read a second built-in sentence encoder, snowflake-arctic-embed-xs, beside
    /// all-MiniLM-L6-v2 (decision 0031): a second encoder call per classified message for those models. False trains
    /// heads on all-MiniLM-L6-v2 alone. Models already trained keep the encoders they were trained with.
    /// </summary>
    public bool IntentSecondEncoder { get; set; } = true;
}
