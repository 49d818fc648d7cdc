using System.Text;

namespace Parley.Engine.Intents;

/// <summary>
/// The model's binary format (little-endian): a magic string and version, the n-gram settings,
/// calibration, labels, hashed feature keys with their idf, then the network's weights as 16-bit
/// floats without SIMD padding, since the padding depends on the machine that loads the model.
/// Training already rounds the weights to 16 bits, so a loaded model answers exactly like the
/// trained one at half the size. Version 2 adds a flag and, when set, the <see cref="EncoderHead"/> (its share of
/// the combined scores as a 32-bit float, then its weights and biases as 16-bit floats); version 1 files, which
/// have no head, still load and answer as before. Version 3 adds, after the head's biases, its hidden layer's unit
/// count (0: a linear head, as every version-2 file has) and, with units, the hidden weights, hidden biases and
/// output weights as 16-bit floats. Version 4 adds, after the head's share, the length of the vectors it reads: 384 for
/// the shared encoder alone (every earlier file), 768 with the second encoder beside it (decision 0031).
/// </summary>
internal static class IntentModelSerializer
{
    private static readonly byte[] Magic = "PARLEY-INTENTS"u8.ToArray();
    private const int Version = 4;
    private const long MaxWeights = 256L << 20;

    public static void Write(IntentModel model, Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        var settings = model.Featurizer.Settings;
        writer.Write(settings.MaxWordNgram);
        writer.Write(settings.MinCharNgram);
        writer.Write(settings.MaxCharNgram);
        writer.Write(settings.CharBlockWeight);
        writer.Write(model.Temperature);
        writer.Write(model.OutOfScopeThreshold);

        writer.Write(model.Intents.Count);
        foreach (var label in model.Intents)
        {
            writer.Write(label);
        }

        var featurizer = model.Featurizer;
        writer.Write(featurizer.Count);
        writer.Write(featurizer.WordFeatureCount);
        for (var i = 0; i < featurizer.Count; i++)
        {
            writer.Write(featurizer.Keys[i]);
            writer.Write(featurizer.Idf[i]);
        }

        var network = model.Network;
        writer.Write(network.HiddenUnits);
        WriteMatrix(writer, network.InputWeights, featurizer.Count, network.HiddenUnits, network.HiddenStride);
        WriteMatrix(writer, network.HiddenBias, 1, network.HiddenUnits, network.HiddenStride);
        WriteMatrix(writer, network.OutputWeights, network.HiddenUnits, network.ClassCount, network.ClassStride);
        WriteMatrix(writer, network.OutputBias, 1, network.ClassCount, network.ClassStride);

        writer.Write(model.Encoder is not null);
        if (model.Encoder is { } encoder)
        {
            writer.Write(encoder.Weight);
            writer.Write(encoder.InputDimensions);
            WriteMatrix(writer, encoder.Weights, 1, encoder.Weights.Length, encoder.Weights.Length);
            WriteMatrix(writer, encoder.Bias, 1, encoder.Bias.Length, encoder.Bias.Length);
            var hidden = encoder.Hidden;
            writer.Write(hidden?.Units ?? 0);
            if (hidden is not null)
            {
                WriteMatrix(writer, hidden.Weights, 1, hidden.Weights.Length, hidden.Weights.Length);
                WriteMatrix(writer, hidden.Bias, 1, hidden.Bias.Length, hidden.Bias.Length);
                WriteMatrix(writer, hidden.Output, 1, hidden.Output.Length, hidden.Output.Length);
            }
        }
    }

    /// <summary>Reads a model; anything else, truncated or corrupt, is an <see cref="InvalidDataException"/>.</summary>
    public static IntentModel Read(Stream stream)
    {
        try
        {
            return ReadModel(stream);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The intent model is truncated.", e);
        }
    }

    private static IntentModel ReadModel(Stream stream)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
        {
            throw new InvalidDataException("Not a Parley intent model.");
        }

        var version = reader.ReadInt32();
        if (version is < 1 or > Version)
        {
            throw new InvalidDataException($"Intent model version {version} is not supported (expected {Version}).");
        }

        var settings = new NgramSettings
        {
            MaxWordNgram = reader.ReadInt32(),
            MinCharNgram = reader.ReadInt32(),
            MaxCharNgram = reader.ReadInt32(),
            CharBlockWeight = reader.ReadSingle(),
        };
        var temperature = reader.ReadDouble();
        var threshold = reader.ReadDouble();

        var labels = new string[Count(reader.ReadInt32(), 100_000)];
        for (var c = 0; c < labels.Length; c++)
        {
            labels[c] = reader.ReadString();
        }

        var featureCount = Count(reader.ReadInt32(), 10_000_000);
        var wordFeatureCount = reader.ReadInt32();
        var keys = new ulong[featureCount];
        var idf = new float[featureCount];
        for (var i = 0; i < featureCount; i++)
        {
            keys[i] = reader.ReadUInt64();
            idf[i] = reader.ReadSingle();
        }

        var hiddenUnits = Count(reader.ReadInt32(), 1 << 16);

        // A corrupt header must not make us allocate gigabytes before the stream runs out.
        if ((long)featureCount * hiddenUnits > MaxWeights)
        {
            throw new InvalidDataException($"Corrupt intent model ({featureCount} n-grams × {hiddenUnits} units).");
        }

        var network = IntentNetwork.Create(featureCount, hiddenUnits, labels.Length);
        ReadMatrix(reader, network.InputWeights, featureCount, hiddenUnits, network.HiddenStride);
        ReadMatrix(reader, network.HiddenBias, 1, hiddenUnits, network.HiddenStride);
        ReadMatrix(reader, network.OutputWeights, hiddenUnits, labels.Length, network.ClassStride);
        ReadMatrix(reader, network.OutputBias, 1, labels.Length, network.ClassStride);

        EncoderHead? encoder = null;
        if (version >= 2 && reader.ReadBoolean())
        {
            var weight = reader.ReadSingle();
            if (!(weight is >= 0f and <= 1f))
            {
                throw new InvalidDataException($"Corrupt intent model (encoder weight {weight}).");
            }

            var dimensions = version >= 4 ? reader.ReadInt32() : Embeddings.SentenceEmbedder.Dimensions;
            if (dimensions != Embeddings.SentenceEmbedder.Dimensions && dimensions != 2 * Embeddings.SentenceEmbedder.Dimensions)
            {
                throw new InvalidDataException($"Corrupt intent model (encoder head reads {dimensions} dimensions).");
            }

            var weights = new float[labels.Length * dimensions];
            var bias = new float[labels.Length];
            ReadMatrix(reader, weights, 1, weights.Length, weights.Length);
            ReadMatrix(reader, bias, 1, bias.Length, bias.Length);
            EncoderHead.HiddenLayer? hidden = null;
            var units = version >= 3 ? Count(reader.ReadInt32(), 4096) : 0;
            if ((long)units * (labels.Length + dimensions) > MaxWeights)
            {
                throw new InvalidDataException($"Corrupt intent model ({units} encoder units for {labels.Length} intents).");
            }

            if (units > 0)
            {
                hidden = new EncoderHead.HiddenLayer(
                    units, new float[units * dimensions], new float[units], new float[labels.Length * units]);
                ReadMatrix(reader, hidden.Weights, 1, hidden.Weights.Length, hidden.Weights.Length);
                ReadMatrix(reader, hidden.Bias, 1, hidden.Bias.Length, hidden.Bias.Length);
                ReadMatrix(reader, hidden.Output, 1, hidden.Output.Length, hidden.Output.Length);
            }

            encoder = new EncoderHead(labels.Length, weights, bias, weight, hidden);
        }

        return new IntentModel(labels, new Featurizer(settings, keys, idf, wordFeatureCount), network, temperature, threshold, encoder);
    }

    private static void WriteMatrix(BinaryWriter writer, float[] values, int rows, int columns, int stride)
    {
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                writer.Write((Half)values[(r * stride) + c]);
            }
        }
    }

    private static void ReadMatrix(BinaryReader reader, float[] values, int rows, int columns, int stride)
    {
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                values[(r * stride) + c] = (float)reader.ReadHalf();
            }
        }
    }

    private static int Count(int value, int limit) =>
        value >= 0 && value <= limit ? value : throw new InvalidDataException($"Corrupt intent model (count {value}).");
}
