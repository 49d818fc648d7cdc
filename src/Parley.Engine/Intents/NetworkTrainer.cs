using System.Numerics;

namespace Parley.Engine.Intents;

/// <summary>
/// Plain SGD with a learning rate falling linearly to zero, one message at a time. Each step touches
/// only the input rows of the message's n-grams, which keeps CLINC150 (15,000 messages, about
/// 65,000 n-grams, 151 classes) at about six seconds of one core. Single-threaded on purpose: the
/// seed alone decides the result.
/// </summary>
internal static class NetworkTrainer
{
    public static IntentNetwork Train(
        IReadOnlyList<SparseVector> inputs, IReadOnlyList<int> labels, int featureCount, int classCount, IntentTrainingOptions options)
    {
        var network = IntentNetwork.Create(featureCount, options.HiddenUnits, classCount);
        var random = new SplitMix64(options.Seed);
        Initialize(network, ref random);

        var (hiddenStride, classStride) = (network.HiddenStride, network.ClassStride);
        var hidden = new float[hiddenStride];
        var hiddenGradient = new float[hiddenStride];
        var outputGradient = new float[classStride];
        var order = Enumerable.Range(0, inputs.Count).ToArray();
        var epochs = Math.Max(options.Epochs, (int)Math.Ceiling((double)options.MinimumSteps / Math.Max(1, inputs.Count)));
        var totalSteps = (double)epochs * inputs.Count;
        var step = 0L;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order);
            foreach (var i in order)
            {
                var rate = (float)(options.LearningRate * (1.0 - (step++ / totalSteps)));
                var x = inputs[i];
                network.Forward(x, hidden, outputGradient);

                // Softmax cross-entropy: the gradient at the logits is p - onehot(label).
                IntentNetwork.Softmax(outputGradient.AsSpan(0, classCount));
                outputGradient[labels[i]] -= 1f;

                var gradientVectors = IntentNetwork.AsVectors(outputGradient);
                for (var j = 0; j < network.HiddenUnits; j++)
                {
                    if (hidden[j] <= 0f)
                    {
                        hiddenGradient[j] = 0f;
                        continue;
                    }

                    var row = IntentNetwork.AsVectors(network.OutputWeights.AsSpan(j * classStride, classStride));
                    var dot = Vector<float>.Zero;
                    var descent = -rate * hidden[j];
                    for (var c = 0; c < row.Length; c++)
                    {
                        dot += row[c] * gradientVectors[c];
                        row[c] += gradientVectors[c] * descent;
                    }

                    hiddenGradient[j] = Vector.Sum(dot);
                }

                for (var c = 0; c < classCount; c++)
                {
                    network.OutputBias[c] -= rate * outputGradient[c];
                }

                for (var j = 0; j < network.HiddenUnits; j++)
                {
                    network.HiddenBias[j] -= rate * hiddenGradient[j];
                }

                var hiddenGradientVectors = IntentNetwork.AsVectors(hiddenGradient);
                for (var k = 0; k < x.Indices.Length; k++)
                {
                    var scale = -rate * x.Values[k];
                    var row = IntentNetwork.AsVectors(network.InputWeights.AsSpan(x.Indices[k] * hiddenStride, hiddenStride));
                    for (var j = 0; j < row.Length; j++)
                    {
                        row[j] += hiddenGradientVectors[j] * scale;
                    }
                }
            }
        }

        network.RoundToHalf();
        return network;
    }

    /// <summary>
    /// Small uniform weights, the input layer scaled for fan-in (He-style) as if a message had 150
    /// active n-grams (CLINC150 averages about 90), so the first steps neither saturate nor vanish.
    /// </summary>
    private static void Initialize(IntentNetwork network, ref SplitMix64 random)
    {
        var inputScale = (float)(0.5 * Math.Sqrt(2.0 / 150));
        for (var f = 0; f < network.FeatureCount; f++)
        {
            for (var j = 0; j < network.HiddenUnits; j++)
            {
                network.InputWeights[(f * network.HiddenStride) + j] = inputScale * (float)((random.NextDouble() * 2) - 1);
            }
        }

        var outputScale = (float)Math.Sqrt(1.0 / network.HiddenUnits);
        for (var j = 0; j < network.HiddenUnits; j++)
        {
            for (var c = 0; c < network.ClassCount; c++)
            {
                network.OutputWeights[(j * network.ClassStride) + c] = outputScale * (float)((random.NextDouble() * 2) - 1);
            }
        }
    }
}
