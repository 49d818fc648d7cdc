using System.Numerics.Tensors;
using Parley.Engine.Embeddings;

namespace Parley.Engine.Intents;

/// <summary>
/// A softmax layer on <see cref="SentenceEmbedder"/> vectors, beside the n-gram network. The model's scores are
/// <c>(1 - Weight) · log p_ngrams + Weight · log p_encoder</c>, which the model's temperature then divides as it
/// divides the n-gram network's logits alone (with weight 0 the two are the same model). The pretrained encoder
/// knows that "I lost my card" and "my card is missing" say the same thing, which ten examples per intent
/// cannot teach the n-grams; with hundreds of examples the n-grams already know it (docs/quality.md).
/// </summary>
internal sealed class EncoderHead
{
    public EncoderHead(int classCount, float[] weights, float[] bias, float weight)
    {
        ClassCount = classCount;
        Weights = weights;
        Bias = bias;
        Weight = weight;
    }

    public int ClassCount { get; }

    /// <summary>[class × <see cref="SentenceEmbedder.Dimensions"/> + dimension].</summary>
    public float[] Weights { get; }

    public float[] Bias { get; }

    /// <summary>The encoder's share of the combined log-probabilities, in [0, 1].</summary>
    public float Weight { get; }

    /// <summary>Raw class scores of one sentence vector.</summary>
    public void Logits(ReadOnlySpan<float> vector, Span<float> logits)
    {
        const int D = SentenceEmbedder.Dimensions;
        for (var c = 0; c < ClassCount; c++)
        {
            logits[c] = Bias[c] + TensorPrimitives.Dot(Weights.AsSpan(c * D, D), vector);
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
    /// seeded like <see cref="NetworkTrainer"/>. Weights are rounded to 16 bits, the precision models are saved with.
    /// </summary>
    public static EncoderHead Train(IReadOnlyList<float[]> inputs, IReadOnlyList<int> labels, int classCount, IntentTrainingOptions options, float weight)
    {
        const int D = SentenceEmbedder.Dimensions;
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

        foreach (var array in new[] { weights, bias })
        {
            for (var k = 0; k < array.Length; k++)
            {
                array[k] = (float)(Half)array[k];
            }
        }

        return new EncoderHead(classCount, weights, bias, weight);
    }

    public EncoderHead WithWeight(float weight) => new(ClassCount, Weights, Bias, weight);
}
