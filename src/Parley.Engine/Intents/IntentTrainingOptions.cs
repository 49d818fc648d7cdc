namespace Parley.Engine.Intents;

/// <summary>
/// Knobs of <see cref="IntentTrainer"/>. The defaults were chosen on CLINC150's train and val splits,
/// a held-out tenth of HWU64's train split and the 5- and 10-shot subsets of both (never a test
/// split); they suit a support bot with a dozen intents as well as one with 150.
/// </summary>
public sealed record IntentTrainingOptions
{
    public NgramSettings Ngrams { get; init; } = new();

    /// <summary>
    /// N-grams seen in fewer training messages than this are dropped. 2 halves a big model (CLINC150:
    /// 19 MB saved) at no cost on its validation split, but costs few-shot tenants two points, hence 1.
    /// </summary>
    public int MinDocumentFrequency { get; init; } = 1;

    /// <summary>Hidden ReLU units. The input layer holds n-grams × units weights, so this sets the model size.</summary>
    public int HiddenUnits { get; init; } = 128;

    /// <summary>Passes over the training data (more when <see cref="MinimumSteps"/> asks for them).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>
    /// Fewest training steps (one message each). A tenant with a dozen examples per intent needs far
    /// more than ten passes: on CLINC150's 10-shot split 40,000 steps were worth two points over ten epochs.
    /// </summary>
    public int MinimumSteps { get; init; } = 40_000;

    /// <summary>Initial SGD step, decayed linearly to zero over the epochs.</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>Seeds the shuffles and the validation split: same data and seed, same model.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Share of each intent held out to fit the temperature and threshold when no validation set is given.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>After calibrating, train again on training plus validation data and keep the fitted calibration.</summary>
    public bool RefitOnAllData { get; init; } = true;

    /// <summary>
    /// A fixed threshold on the best in-scope probability; 0 leaves out-of-scope answers to the
    /// out-of-scope class alone. Null fits one on the validation data (see <see cref="MaxInScopeAccuracyLoss"/>).
    /// </summary>
    public double? OutOfScopeThreshold { get; init; }

    /// <summary>
    /// Used when the threshold cannot be fitted (a small validation split). After calibration the best
    /// probability is about the chance of being right, so 0.4 answers when the odds are near even.
    /// </summary>
    public double DefaultOutOfScopeThreshold { get; init; } = 0.4;

    /// <summary>
    /// The fitted threshold is the highest that turns away at most this share of the validation
    /// messages the model classifies right: 0.01 gives up one point of in-scope accuracy for out-of-scope recall.
    /// </summary>
    public double MaxInScopeAccuracyLoss { get; init; } = 0.01;

    /// <summary>In-scope validation messages needed before the threshold is fitted instead of defaulted.</summary>
    public int MinimumValidationExamplesToFit { get; init; } = 200;

    /// <summary>
    /// The name of each in-scope intent with fewer than <see cref="AugmentBelow"/> examples, its words apart
    /// ("alarm_query": "alarm query"), is one more training example.
    /// </summary>
    public bool IntentNamesAsExamples { get; init; } = true;

    /// <summary>
    /// Copies, with words left out at random, of each example of an intent that has fewer than
    /// <see cref="AugmentBelow"/> examples; 0 turns the augmentation off.
    /// </summary>
    public int AugmentCopies { get; init; }

    /// <summary>Intents with fewer examples than this are augmented (see <see cref="IntentNamesAsExamples"/> and <see cref="AugmentCopies"/>).</summary>
    public int AugmentBelow { get; init; } = 30;

    /// <summary>Chance that a word is left out of an augmented copy.</summary>
    public double AugmentDropout { get; init; } = 0.2;

    /// <summary>
    /// Whether the model carries a head on <see cref="Embeddings.SentenceEmbedder"/> vectors beside the n-grams
    /// (<see cref="EncoderHead"/>). It lifts few-shot accuracy (10-shot: CLINC150 +9 points, HWU64 +12; docs/quality.md) but costs every
    /// classified message one encoder call (5-10 ms of CPU), so <see cref="IntentEncoder.Auto"/> uses it only
    /// when the median in-scope intent has fewer than <see cref="EncoderBelowMedian"/> examples.
    /// </summary>
    public IntentEncoder Encoder { get; init; } = IntentEncoder.Auto;

    /// <summary>With <see cref="IntentEncoder.Auto"/>: the encoder is used when the median in-scope intent has fewer examples than this.</summary>
    public int EncoderBelowMedian { get; init; } = 30;

    /// <summary>
    /// The encoder's share of the combined log-probabilities. 0.7 was the best share on 10-shot splits drawn from the
    /// train splits of CLINC150 and HWU64 (seeds 101 and 102, scored on 1,500 other train messages; never a test split):
    /// 0.7-0.8 on both, where 0.5 lost a point and the encoder alone two. Null chooses it per training from 0, 0.1, ..., 1
    /// by log loss on the held-out calibration data, which with two held-out messages per intent was noisier (HWU64: 0.6).
    /// </summary>
    public double? EncoderWeight { get; init; } = 0.7;

    /// <summary>SGD steps of the encoder head (one example each; at least one pass).</summary>
    public int EncoderSteps { get; init; } = 40_000;

    /// <summary>Initial SGD step of the encoder head, decayed linearly to zero.</summary>
    public double EncoderLearningRate { get; init; } = 0.5;

    /// <summary>L2 weight decay of the encoder head; 1e-4 and 1e-3 cost 0.5-2 points on the same training-data splits.</summary>
    public double EncoderL2 { get; init; }

    /// <summary>
    /// Hidden ReLU units of a second network on the sentence vectors, trained beside the encoder head's linear layer
    /// and averaged with it; 0 leaves the head linear (as model format 2 was). 256 (with 512 and 1,024 within 0.1 point) was
    /// worth +0.7 points of HWU64 10-shot accuracy and +0.5 of CLINC150's on 10-shot splits drawn from their train splits
    /// and scored on other train messages (decision 0029); costs about 0.1 M multiply-adds a message beside the encoder call.
    /// </summary>
    public int EncoderHiddenUnits { get; init; } = 256;

    /// <summary>
    /// Whether the encoder head also reads <see cref="Embeddings.SentenceEmbedder.Second"/>'s vector beside the shared
    /// encoder's (decision 0031): a second encoder call per classified message, for the accuracy two encoders trained on
    /// different data give together. False trains heads as model format 3 did.
    /// </summary>
    public bool SecondEncoder { get; init; } = true;

    /// <summary>Share of the hidden units left out at each training step (dropout); 0.2-0.4 were alike.</summary>
    public double EncoderHiddenDropout { get; init; } = 0.3;

    /// <summary>Initial SGD step of the hidden-layer network, decayed linearly to zero (0.05-0.2 were alike).</summary>
    public double EncoderHiddenLearningRate { get; init; } = 0.1;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(EncoderHiddenUnits, nameof(EncoderHiddenUnits));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(EncoderHiddenUnits, 1024, nameof(EncoderHiddenUnits));
        ArgumentOutOfRangeException.ThrowIfNegative(EncoderHiddenDropout, nameof(EncoderHiddenDropout));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(EncoderHiddenDropout, 0.9, nameof(EncoderHiddenDropout));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EncoderHiddenLearningRate, nameof(EncoderHiddenLearningRate));
        ArgumentOutOfRangeException.ThrowIfLessThan((int)Encoder, 0, nameof(Encoder));
        ArgumentOutOfRangeException.ThrowIfGreaterThan((int)Encoder, 2, nameof(Encoder));
        ArgumentOutOfRangeException.ThrowIfLessThan(EncoderBelowMedian, 1, nameof(EncoderBelowMedian));
        ArgumentOutOfRangeException.ThrowIfNegative(EncoderWeight ?? 0, nameof(EncoderWeight));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(EncoderWeight ?? 0, 1.0, nameof(EncoderWeight));
        ArgumentOutOfRangeException.ThrowIfLessThan(EncoderSteps, 1, nameof(EncoderSteps));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EncoderLearningRate, nameof(EncoderLearningRate));
        ArgumentOutOfRangeException.ThrowIfNegative(EncoderL2, nameof(EncoderL2));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(EncoderL2, 0.1, nameof(EncoderL2));
        ArgumentOutOfRangeException.ThrowIfNegative(AugmentCopies, nameof(AugmentCopies));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(AugmentCopies, 20, nameof(AugmentCopies));
        ArgumentOutOfRangeException.ThrowIfNegative(AugmentBelow, nameof(AugmentBelow));
        ArgumentOutOfRangeException.ThrowIfNegative(AugmentDropout, nameof(AugmentDropout));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(AugmentDropout, 0.9, nameof(AugmentDropout));
        ArgumentOutOfRangeException.ThrowIfLessThan(Ngrams.MaxWordNgram, 1, nameof(NgramSettings.MaxWordNgram));
        ArgumentOutOfRangeException.ThrowIfLessThan(Ngrams.MinCharNgram, 1, nameof(NgramSettings.MinCharNgram));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Ngrams.MaxCharNgram, 16, nameof(NgramSettings.MaxCharNgram));
        ArgumentOutOfRangeException.ThrowIfNegative(Ngrams.CharBlockWeight, nameof(NgramSettings.CharBlockWeight));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinDocumentFrequency, 1, nameof(MinDocumentFrequency));
        ArgumentOutOfRangeException.ThrowIfLessThan(HiddenUnits, 1, nameof(HiddenUnits));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(HiddenUnits, 4096, nameof(HiddenUnits));
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfNegative(MinimumSteps, nameof(MinimumSteps));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(LearningRate, nameof(LearningRate));
        ArgumentOutOfRangeException.ThrowIfNegative(ValidationFraction, nameof(ValidationFraction));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ValidationFraction, 0.9, nameof(ValidationFraction));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxInScopeAccuracyLoss, nameof(MaxInScopeAccuracyLoss));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxInScopeAccuracyLoss, 1.0, nameof(MaxInScopeAccuracyLoss));
    }
}

/// <summary>When a trained intent model carries the sentence-encoder head (<see cref="IntentTrainingOptions.Encoder"/>).</summary>
public enum IntentEncoder
{
    /// <summary>When the training set is small: the median in-scope intent has fewer than <see cref="IntentTrainingOptions.EncoderBelowMedian"/> examples.</summary>
    Auto,

    /// <summary>Always (every classified message costs an encoder call).</summary>
    Always,

    /// <summary>Never: n-grams only, as before.</summary>
    Never,
}
