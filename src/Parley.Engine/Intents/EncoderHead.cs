using System.Numerics.Tensors;
using Parley.Engine.Embeddings;

namespace Parley.Engine.Intents;

/// <summary>
/// A softmax layer on <see cref="SentenceEmbedder"/> vectors, beside the n-gram network. The model's scores are
/// <c>(1 - Weight) · log p_ngrams + Weight · log p_encoder</c>, which the model's temperature then divides as it
/// divides the n-gram network's logits alone (with weight 0 the two are the same model). The pretrained encoder
/// knows that "I lost my card" and "my card is missing" say the same thing, which ten examples per intent
/// cannot teach the n-grams; with hundreds of examples the n-grams already know it (docs/quality.md).
/// Since model format 3 the head may also carry a hidden ReLU layer whose output adds to the linear layer's
/// (<see cref="Hidden"/>): the two are trained apart and averaged, which was worth 0.5-0.7 points of 10-shot accuracy
/// on both training-data protocols (decision 0029); a format-2 head has the linear layer alone.
/// </summary>
internal sealed class EncoderHead
{
    public EncoderHead(int classCount, float[] weights, float[] bias, float weight, HiddenLayer? hidden = null)
    {
        ClassCount = classCount;
        Weights = weights;
        Bias = bias;
        Weight = weight;
        Hidden = hidden;
    }

    /// <summary>
    /// A hidden ReLU layer on the sentence vector: <c>Output · relu(Weights · x + Bias)</c> adds to the linear scores.
    /// <see cref="Weights"/> is [unit × input dimensions + dimension], <see cref="Output"/> [class × units + unit].
    /// </summary>
    internal sealed record HiddenLayer(int Units, float[] Weights, float[] Bias, float[] Output);

    /// <summary>The hidden layer, or null for a linear head (every format-2 model).</summary>
    public HiddenLayer? Hidden { get; }

    public int ClassCount { get; }

    /// <summary>[class × <see cref="InputDimensions"/> + dimension].</summary>
    public float[] Weights { get; }

    /// <summary>
    /// The length of the vectors the head reads: <see cref="SentenceEmbedder.Dimensions"/> for <see cref="SentenceEmbedder.Shared"/>
    /// alone (every model before format 4), twice that with <see cref="SentenceEmbedder.Second"/> beside it (<see cref="Input"/>).
    /// </summary>
    public int InputDimensions => Weights.Length / ClassCount;

    /// <summary>Whether the head reads <see cref="SentenceEmbedder.Second"/>'s vector as well.</summary>
    public bool UsesSecondEncoder => InputDimensions == 2 * SentenceEmbedder.Dimensions;

    /// <summary>
    /// The head's input for one message: the shared encoder's unit vector, and with a second encoder that vector and the
    /// second encoder's side by side, each scaled by 1/√2 so the whole still has unit length.
    /// </summary>
    public static float[] Input(float[] primary, float[]? second)
    {
        if (second is null)
        {
            return primary;
        }

        var input = new float[primary.Length + second.Length];
        var scale = 1f / MathF.Sqrt(2f);
        TensorPrimitives.Multiply(primary, scale, input.AsSpan(0, primary.Length));
        TensorPrimitives.Multiply(second, scale, input.AsSpan(primary.Length));
        return input;
    }

    public float[] Bias { get; }

    /// <summary>The encoder's share of the combined log-probabilities, in [0, 1].</summary>
    public float Weight { get; }

    /// <summary>Raw class scores of one sentence vector.</summary>
    public void Logits(ReadOnlySpan<float> vector, Span<float> logits)
    {
        var D = InputDimensions;
        for (var c = 0; c < ClassCount; c++)
        {
            logits[c] = Bias[c] + TensorPrimitives.Dot(Weights.AsSpan(c * D, D), vector);
        }

        if (Hidden is not { } hidden)
        {
            return;
        }

        var units = hidden.Units;
        Span<float> activations = units <= 1024 ? stackalloc float[units] : new float[units];
        for (var j = 0; j < units; j++)
        {
            activations[j] = Math.Max(0f, hidden.Bias[j] + TensorPrimitives.Dot(hidden.Weights.AsSpan(j * D, D), vector));
        }

        for (var c = 0; c < ClassCount; c++)
        {
            logits[c] += TensorPrimitives.Dot(hidden.Output.AsSpan(c * units, units), activations);
        }
    }

    /// <summary>
    /// Replaces the n-gram logits in <paramref name="scores"/> (first <see cref="ClassCount"/> entries) by the
    /// combined log-probabilities with the encoder's share <paramref name="weight"/>.
    /// </summary>
    public static void Combine(Span<float> scores, ReadOnlySpan<float> encoderLogits, float weight)
    {
        var classes = encoderLogits.Length;
        var ngrams = scores[..classes];
        LogSoftmax(ngrams);
        Span<float> encoder = classes <= 1024 ? stackalloc float[classes] : new float[classes];
        encoderLogits.CopyTo(encoder);
        LogSoftmax(encoder);
        for (var c = 0; c < classes; c++)
        {
            ngrams[c] = ((1f - weight) * ngrams[c]) + (weight * encoder[c]);
        }
    }

    private static void LogSoftmax(Span<float> scores)
    {
        var max = TensorPrimitives.Max(scores);
        var sum = 0.0;
        foreach (var v in scores)
        {
            sum += Math.Exp(v - max);
        }

        var log = max + (float)Math.Log(sum);
        for (var c = 0; c < scores.Length; c++)
        {
            scores[c] -= log;
        }
    }

    /// <summary>
    /// Softmax regression by plain SGD (rate falling linearly to zero, L2 weight decay), one vector at a time,
    /// seeded like <see cref="NetworkTrainer"/>, and with <see cref="IntentTrainingOptions.EncoderHiddenUnits"/> a
    /// hidden-layer network beside it. Weights are rounded to 16 bits, the precision models are saved with.
    /// </summary>
    public static EncoderHead Train(IReadOnlyList<float[]> inputs, IReadOnlyList<int> labels, int classCount, IntentTrainingOptions options, float weight)
    {
        var (weights, bias) = TrainLinear(inputs, labels, classCount, options);
        HiddenLayer? hidden = null;
        if (options.EncoderHiddenUnits > 0)
        {
            // The linear layer and the hidden-layer network are trained apart and their scores averaged: halving
            // both is that average, folded into the weights.
            var (network, outputBias) = TrainHidden(inputs, labels, classCount, options);
            Halve(weights);
            Halve(network.Output);
            for (var c = 0; c < classCount; c++)
            {
                bias[c] = 0.5f * (bias[c] + outputBias[c]);
            }

            hidden = network;
        }

        foreach (var array in hidden is null ? [weights, bias] : new[] { weights, bias, hidden.Weights, hidden.Bias, hidden.Output })
        {
            for (var k = 0; k < array.Length; k++)
            {
                array[k] = (float)(Half)array[k];
            }
        }

        return new EncoderHead(classCount, weights, bias, weight, hidden);
    }

    private static void Halve(float[] values) => TensorPrimitives.Multiply(values, 0.5f, values);

    /// <summary>
    /// One hidden ReLU layer (<see cref="IntentTrainingOptions.EncoderHiddenUnits"/>) with dropout, by plain SGD
    /// (Glorot-uniform start, rate falling linearly to zero, as many steps as the linear layer), seeded.
    /// </summary>
    private static (HiddenLayer Layer, float[] OutputBias) TrainHidden(IReadOnlyList<float[]> inputs, IReadOnlyList<int> labels, int classCount, IntentTrainingOptions options)
    {
        var D = inputs[0].Length;
        var units = options.EncoderHiddenUnits;
        var random = new SplitMix64(options.Seed + 13);
        var weights = new float[units * D];
        var bias = new float[units];
        var output = new float[classCount * units];
        var outputBias = new float[classCount];
        var inputScale = Math.Sqrt(6.0 / (D + units));
        var outputScale = Math.Sqrt(6.0 / (units + classCount));
        for (var k = 0; k < weights.Length; k++)
        {
            weights[k] = (float)(((random.NextDouble() * 2) - 1) * inputScale);
        }

        for (var k = 0; k < output.Length; k++)
        {
            output[k] = (float)(((random.NextDouble() * 2) - 1) * outputScale);
        }

        var order = Enumerable.Range(0, inputs.Count).ToArray();
        var epochs = Math.Max(1, (int)Math.Ceiling((double)options.EncoderSteps / Math.Max(1, inputs.Count)));
        var totalSteps = (double)epochs * inputs.Count;
        var dropout = options.EncoderHiddenDropout;
        var keep = (float)(1.0 / (1.0 - dropout));
        var hidden = new float[units];
        var mask = new float[units];
        var gradient = new float[units];
        var probabilities = new float[classCount];
        var step = 0L;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order);
            foreach (var i in order)
            {
                var rate = (float)(options.EncoderHiddenLearningRate * (1.0 - (step++ / totalSteps)));
                var x = inputs[i];
                for (var j = 0; j < units; j++)
                {
                    // A dropped unit's activation is zero whatever its input, so its dot product is skipped.
                    mask[j] = random.NextDouble() < dropout ? 0f : keep;
                    hidden[j] = mask[j] == 0f ? 0f : Math.Max(0f, bias[j] + TensorPrimitives.Dot(weights.AsSpan(j * D, D), x)) * mask[j];
                }

                for (var c = 0; c < classCount; c++)
                {
                    probabilities[c] = outputBias[c] + TensorPrimitives.Dot(output.AsSpan(c * units, units), hidden);
                }

                IntentNetwork.Softmax(probabilities);
                probabilities[labels[i]] -= 1f;
                Array.Clear(gradient);
                for (var c = 0; c < classCount; c++)
                {
                    var row = output.AsSpan(c * units, units);
                    TensorPrimitives.MultiplyAdd(row, probabilities[c], gradient, gradient);
                    TensorPrimitives.MultiplyAdd(hidden, -rate * probabilities[c], row, row);
                    outputBias[c] -= rate * probabilities[c];
                }

                for (var j = 0; j < units; j++)
                {
                    if (hidden[j] <= 0f)
                    {
                        continue;
                    }

                    var g = gradient[j] * mask[j];
                    var row = weights.AsSpan(j * D, D);
                    TensorPrimitives.MultiplyAdd(x, -rate * g, row, row);
                    bias[j] -= rate * g;
                }
            }
        }

        return (new HiddenLayer(units, weights, bias, output), outputBias);
    }

    private static (float[] Weights, float[] Bias) TrainLinear(IReadOnlyList<float[]> inputs, IReadOnlyList<int> labels, int classCount, IntentTrainingOptions options)
    {
        var D = inputs[0].Length;
        var weights = new float[classCount * D];
        var bias = new float[classCount];
        var random = new SplitMix64(options.Seed + 11);
        var order = Enumerable.Range(0, inputs.Count).ToArray();
        var epochs = Math.Max(1, (int)Math.Ceiling((double)options.EncoderSteps / Math.Max(1, inputs.Count)));
        var totalSteps = (double)epochs * inputs.Count;
        var probabilities = new float[classCount];
        var decay = (float)options.EncoderL2;
        var step = 0L;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order);
            foreach (var i in order)
            {
                var rate = (float)(options.EncoderLearningRate * (1.0 - (step++ / totalSteps)));
                var x = inputs[i];
                for (var c = 0; c < classCount; c++)
                {
                    probabilities[c] = bias[c] + TensorPrimitives.Dot(weights.AsSpan(c * D, D), x);
                }

                IntentNetwork.Softmax(probabilities);
                probabilities[labels[i]] -= 1f;
                var shrink = 1f - (rate * decay);
                for (var c = 0; c < classCount; c++)
                {
                    var row = weights.AsSpan(c * D, D);
                    TensorPrimitives.Multiply(row, shrink, row);
                    TensorPrimitives.MultiplyAdd(x, -rate * probabilities[c], row, row);
                    bias[c] -= rate * probabilities[c];
                }
            }
        }

        return (weights, bias);
    }

    public EncoderHead WithWeight(float weight) => new(ClassCount, Weights, Bias, weight, Hidden);
}
