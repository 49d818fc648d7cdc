using System.Globalization;
using Parley.Engine.Embeddings;
using Parley.Engine.Intents;
using Xunit.Abstractions;

namespace Parley.Engine.Tests.Intents;

/// <summary>The sentence-encoder head beside the n-gram network: when it is used, what it is worth, how it is saved.</summary>
public sealed class EncoderHeadTests(ITestOutputHelper output)
{
    private static readonly Lazy<IntentModel> WithEncoder = new(() => IntentTrainer.Train(
        [.. SyntheticIntents.Training, .. SyntheticIntents.OutOfScopeTraining],
        new IntentTrainingOptions { Encoder = IntentEncoder.Always, EncoderSteps = 4000 }));

    [Fact]
    public void Auto_uses_the_encoder_when_the_median_intent_has_fewer_examples_than_the_cut_off()
    {
        static List<LabeledUtterance> Examples(params int[] counts) =>
            [.. counts.SelectMany((n, i) => Enumerable.Range(0, n).Select(k => new LabeledUtterance($"example {k}", $"intent_{i}"))),
             .. Enumerable.Range(0, 500).Select(k => new LabeledUtterance($"noise {k}", IntentModel.OutOfScopeIntent))];
        var auto = new IntentTrainingOptions();

        Assert.True(IntentTrainer.UsesEncoder(auto, Examples(10, 10, 200)));
        Assert.False(IntentTrainer.UsesEncoder(auto, Examples(10, 30, 200)));

        // Out-of-scope examples do not count; the cut-off and the setting are the caller's.
        Assert.True(IntentTrainer.UsesEncoder(auto, Examples(29, 29)));
        Assert.False(IntentTrainer.UsesEncoder(auto with { EncoderBelowMedian = 29 }, Examples(29, 29)));
        Assert.False(IntentTrainer.UsesEncoder(auto with { Encoder = IntentEncoder.Never }, Examples(1, 1)));
        Assert.True(IntentTrainer.UsesEncoder(auto with { Encoder = IntentEncoder.Always }, Examples(500, 500)));
    }

    [Fact]
    public void The_built_in_model_and_well_trained_models_stay_n_grams_only()
    {
        Assert.False(DefaultIntents.Train().UsesEncoder);
        Assert.Equal(0, DefaultIntents.Train().EncoderWeight);
        Assert.True(WithEncoder.Value.UsesEncoder);
        Assert.InRange(WithEncoder.Value.EncoderWeight, 0, 1);
    }

    [Fact]
    public void An_encoder_model_answers_its_paraphrases_and_the_same_with_a_vector_given()
    {
        var model = WithEncoder.Value;
        var texts = SyntheticIntents.HeldOutParaphrases.Select(u => u.Text).ToList();
        var vectors = SentenceEmbedder.Shared.Embed(texts);
        for (var i = 0; i < texts.Count; i++)
        {
            Assert.Equal(SyntheticIntents.HeldOutParaphrases[i].Intent, model.Classify(texts[i]).Intent);
            Assert.Equal(model.Classify(texts[i]).Confidence, model.Classify(texts[i], vectors[i]).Confidence);
        }

        Assert.Throws<ArgumentException>(() => model.Classify("play jazz", new float[3]));
        Assert.True(model.Classify("").OutOfScope);
    }

    [Fact]
    public void An_encoder_model_round_trips_through_its_file()
    {
        using var first = new MemoryStream();
        WithEncoder.Value.Save(first);
        first.Position = 0;
        var loaded = IntentModel.Load(first);

        Assert.True(loaded.UsesEncoder);
        Assert.True(loaded.Encoder!.UsesSecondEncoder);
        Assert.Equal(WithEncoder.Value.EncoderWeight, loaded.EncoderWeight);
        Assert.Equal(256, loaded.Encoder!.Hidden!.Units);
        Assert.Equal(WithEncoder.Value.Encoder!.Hidden!.Output, loaded.Encoder.Hidden.Output);
        Assert.Equal(WithEncoder.Value.Temperature, loaded.Temperature);
        foreach (var text in SyntheticIntents.Probes.Concat(SyntheticIntents.HeldOutParaphrases.Select(u => u.Text)))
        {
            var (a, b) = (WithEncoder.Value.Classify(text), loaded.Classify(text));
            Assert.Equal(a.Intent, b.Intent);
            Assert.Equal(a.Confidence, b.Confidence);
            Assert.Equal(a.Ranking, b.Ranking);
        }

        using var second = new MemoryStream();
        loaded.Save(second);
        Assert.Equal(first.ToArray(), second.ToArray());

        // Cut anywhere in the encoder head: refused, not half read.
        using var truncated = new MemoryStream(first.ToArray()[..^100]);
        Assert.Throws<InvalidDataException>(() => IntentModel.Load(truncated));
    }

    /// <summary>
    /// By default the head has a hidden ReLU layer beside its linear layer, and its scores are the linear scores plus the
    /// hidden layer's; <see cref="IntentTrainingOptions.EncoderHiddenUnits"/> 0 trains the linear layer alone, as before.
    /// </summary>
    [Fact]
    public void The_head_adds_a_hidden_layer_to_its_linear_scores_unless_told_not_to()
    {
        var head = WithEncoder.Value.Encoder!;
        var hidden = head.Hidden!;
        Assert.Equal(256, hidden.Units);
        var vector = WithEncoder.Value.HeadInput("my card is missing", null);
        var logits = new float[head.ClassCount];
        head.Logits(vector, logits);
        var linear = new float[head.ClassCount];
        new EncoderHead(head.ClassCount, head.Weights, head.Bias, head.Weight).Logits(vector, linear);
        var D = head.InputDimensions;
        var activations = Enumerable.Range(0, hidden.Units)
            .Select(j => Math.Max(0f, hidden.Bias[j] + vector.Select((v, k) => v * hidden.Weights[(j * D) + k]).Sum()))
            .ToArray();
        Assert.Contains(activations, a => a > 0);
        for (var c = 0; c < head.ClassCount; c++)
        {
            var expected = linear[c] + activations.Select((a, j) => a * hidden.Output[(c * hidden.Units) + j]).Sum();
            Assert.Equal(expected, logits[c], 1e-3);
        }

        Assert.Contains(Enumerable.Range(0, head.ClassCount), c => Math.Abs(logits[c] - linear[c]) > 0.01);

        var linearOnly = IntentTrainer.Train(
            [.. SyntheticIntents.Training, .. SyntheticIntents.OutOfScopeTraining],
            new IntentTrainingOptions { Encoder = IntentEncoder.Always, EncoderSteps = 4000, EncoderHiddenUnits = 0 });
        Assert.Null(linearOnly.Encoder!.Hidden);
        Assert.Throws<ArgumentOutOfRangeException>(() => IntentTrainer.Train(
            SyntheticIntents.Training, new IntentTrainingOptions { Encoder = IntentEncoder.Always, EncoderHiddenUnits = -1 }));
    }

    /// <summary>
    /// Trainings that run at once over the same texts (the server's model and its held-out model) may share one
    /// <see cref="SentenceVectors"/>: each gets the model it would have got alone, and vectors made for the other encoder
    /// setting are refused.
    /// </summary>
    [Fact]
    public void Trainings_that_share_sentence_vectors_get_the_models_they_would_get_alone()
    {
        var options = new IntentTrainingOptions { Encoder = IntentEncoder.Always, EncoderSteps = 4000 };
        List<LabeledUtterance> all = [.. SyntheticIntents.Training, .. SyntheticIntents.OutOfScopeTraining];
        var (training, validation) = IntentTrainer.StratifiedSplit(all, 0.2, seed: 42);
        var shared = new SentenceVectors(options.SecondEncoder);
        IntentModel first = null!, second = null!;
        Parallel.Invoke(
            () => first = IntentTrainer.Train(all, options, shared),
            () => second = IntentTrainer.Train(training, validation, options with { RefitOnAllData = false }, shared));

        Assert.Equal(Bytes(IntentTrainer.Train(all, options)), Bytes(first));
        Assert.Equal(Bytes(IntentTrainer.Train(training, validation, options with { RefitOnAllData = false })), Bytes(second));
        Assert.Throws<ArgumentException>(() => IntentTrainer.Train(all, options with { SecondEncoder = false }, shared));

        static byte[] Bytes(IntentModel model)
        {
            using var stream = new MemoryStream();
            model.Save(stream);
            return stream.ToArray();
        }
    }

    /// <summary>
    /// By default the head reads both built-in encoders: its input is the two unit vectors side by side, each scaled by
    /// 1/√2 (decision 0031). <see cref="IntentTrainingOptions.SecondEncoder"/> false trains on the shared encoder alone,
    /// and either kind of head round-trips through its file with the length of what it reads.
    /// </summary>
    [Fact]
    public void The_head_reads_both_encoders_side_by_side_unless_told_not_to()
    {
        const string Text = "my card is missing";
        var head = WithEncoder.Value.Encoder!;
        Assert.True(head.UsesSecondEncoder);
        Assert.Equal(2 * SentenceEmbedder.Dimensions, head.InputDimensions);
        var input = WithEncoder.Value.HeadInput(Text, null);
        var (first, second) = (SentenceEmbedder.Shared.Embed(Text), SentenceEmbedder.Second.Embed(Text));
        Assert.InRange(SentenceEmbedder.Cosine(first, second), -0.5f, 0.99f);
        for (var k = 0; k < SentenceEmbedder.Dimensions; k++)
        {
            Assert.Equal(first[k] / MathF.Sqrt(2), input[k], 1e-6);
            Assert.Equal(second[k] / MathF.Sqrt(2), input[SentenceEmbedder.Dimensions + k], 1e-6);
        }

        Assert.InRange(SentenceEmbedder.Cosine(input, input), 0.999f, 1.001f);

        var single = IntentTrainer.Train(
            [.. SyntheticIntents.Training, .. SyntheticIntents.OutOfScopeTraining],
            new IntentTrainingOptions { Encoder = IntentEncoder.Always, EncoderSteps = 4000, SecondEncoder = false });
        Assert.False(single.Encoder!.UsesSecondEncoder);
        Assert.Equal(SentenceEmbedder.Dimensions, single.Encoder.InputDimensions);
        Assert.Equal(first, single.HeadInput(Text, null));
        using var file = new MemoryStream();
        single.Save(file);
        file.Position = 0;
        var loaded = IntentModel.Load(file);
        Assert.Equal(SentenceEmbedder.Dimensions, loaded.Encoder!.InputDimensions);
        foreach (var text in SyntheticIntents.Probes)
        {
            Assert.Equal(single.Classify(text).Ranking, loaded.Classify(text).Ranking);
        }
    }

    /// <summary>An evaluation given the shared vectors, or the model's whole inputs, scores as one that embeds the messages itself.</summary>
    [Fact]
    public void Evaluation_scores_the_same_with_shared_vectors_or_whole_inputs_given()
    {
        var model = WithEncoder.Value;
        var test = SyntheticIntents.HeldOutParaphrases;
        var texts = test.Select(u => u.Text).ToList();
        var inputs = model.EncoderInputs(texts)!;
        Assert.All(inputs, v => Assert.Equal(2 * SentenceEmbedder.Dimensions, v.Length));

        var itself = IntentEvaluation.Evaluate(model, test);
        Assert.Equal(itself, IntentEvaluation.Evaluate(model, test, SentenceEmbedder.Shared.Embed(texts)));
        Assert.Equal(itself, IntentEvaluation.Evaluate(model, test, inputs));
        Assert.Null(DefaultIntents.Train().EncoderInputs(texts));
    }

    /// <summary>A file whose head claims to read vectors of another length is refused as corrupt, not read at that length.</summary>
    [Fact]
    public void A_model_file_whose_head_reads_an_unknown_length_is_refused()
    {
        using var file = new MemoryStream();
        WithEncoder.Value.Save(file);
        var bytes = file.ToArray();
        var weight = BitConverter.GetBytes((float)WithEncoder.Value.EncoderWeight);
        var length = BitConverter.GetBytes(2 * SentenceEmbedder.Dimensions);
        var at = bytes.AsSpan().IndexOf([.. weight, .. length]);
        Assert.True(at > 0);
        BitConverter.GetBytes(1_000_000).CopyTo(bytes, at + weight.Length);

        var error = Assert.Throws<InvalidDataException>(() => IntentModel.Load(new MemoryStream(bytes)));
        Assert.Contains("1000000", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Intents/Fixtures/intent-model-v1.bin was saved by the format-1 serializer (before the encoder head), with the
    /// answers it gave then beside it: a model file of an earlier Parley loads and answers exactly as it did.
    /// </summary>
    [Fact]
    public void A_version_1_model_file_loads_and_answers_as_before()
    {
        var model = LoadFixture("intent-model-v1");

        Assert.False(model.UsesEncoder);
        AssertAnswersAsSaved(model, "intent-model-v1", tolerance: 0);
    }

    /// <summary>
    /// Intents/Fixtures/intent-model-v2.bin was saved by the format-2 serializer (a linear encoder head, before the
    /// hidden layer): ten HWU64 examples of six intents, with the answers it gave then beside it. It loads as an
    /// encoder model and answers as it did; the confidences may differ in the last digits where the encoder's
    /// floating-point sums differ between processors, never the intents.
    /// </summary>
    [Fact]
    public void A_version_2_model_file_loads_and_answers_as_before()
    {
        var model = LoadFixture("intent-model-v2");

        Assert.True(model.UsesEncoder);
        Assert.Equal(0.7, model.EncoderWeight, 1e-6);
        AssertAnswersAsSaved(model, "intent-model-v2", tolerance: 1e-4);
    }

    /// <summary>
    /// Intents/Fixtures/intent-model-v3.bin was saved by the format-3 serializer (a head on all-MiniLM-L6-v2 alone, with
    /// the hidden layer; session 13's models): the same six HWU64 intents, ten examples each (seed 7), with its answers
    /// beside it. It loads as a head on the shared encoder alone and answers as it did.
    /// </summary>
    [Fact]
    public void A_version_3_model_file_loads_reads_the_shared_encoder_alone_and_answers_as_before()
    {
        var model = LoadFixture("intent-model-v3");

        Assert.True(model.UsesEncoder);
        Assert.False(model.Encoder!.UsesSecondEncoder);
        Assert.Equal(256, model.Encoder.Hidden!.Units);
        AssertAnswersAsSaved(model, "intent-model-v3", tolerance: 1e-4);
    }

    private static string Fixture(string file) => Path.Combine(AppContext.BaseDirectory, "Intents", "Fixtures", file);

    private static IntentModel LoadFixture(string name)
    {
        using var file = File.OpenRead(Fixture(name + ".bin"));
        return IntentModel.Load(file);
    }

    /// <summary>The 21 answers saved beside a fixture (text, intent, confidence): the intents exactly, the confidences within <paramref name="tolerance"/>.</summary>
    private static void AssertAnswersAsSaved(IntentModel model, string name, double tolerance)
    {
        var expected = File.ReadAllLines(Fixture(name + ".expected.tsv"));
        Assert.Equal(21, expected.Length);
        foreach (var line in expected)
        {
            var fields = line.Split('\t');
            var prediction = model.Classify(fields[0]);
            Assert.Equal(fields[1], prediction.Intent);
            Assert.Equal(double.Parse(fields[2], CultureInfo.InvariantCulture), prediction.Confidence, tolerance);
        }
    }

    /// <summary>
    /// Ten examples of each of HWU64's first 24 intents (ordinal order; drawn from train with seed 7), scored on ten
    /// other train messages of each: the encoder-backed model beats the n-gram network alone by a wide margin.
    /// </summary>
    [SharedDataFact]
    public void Ten_shot_the_encoder_backed_model_beats_n_grams_alone()
    {
        var pool = IntentDatasets.LoadHwu64(SharedData.File("intents", "hwu64", "train.csv"));
        var intents = pool.Select(u => u.Intent).Distinct().Order(StringComparer.Ordinal).Take(24).ToHashSet();
        var subset = pool.Where(u => intents.Contains(u.Intent)).ToList();
        var train = IntentDatasets.SampleShots(subset, 10, seed: 7).ToList();
        var used = train.Select(u => u.Text).ToHashSet();
        var held = subset.Where(u => !used.Contains(u.Text)).GroupBy(u => u.Intent).SelectMany(g => g.Take(10)).ToList();

        var ngrams = IntentTrainer.Train(train, new IntentTrainingOptions { Encoder = IntentEncoder.Never, OutOfScopeThreshold = 0 });
        var encoder = IntentTrainer.Train(train, new IntentTrainingOptions { OutOfScopeThreshold = 0 });
        var (before, after) = (IntentEvaluation.Evaluate(ngrams, held), IntentEvaluation.Evaluate(encoder, held));
        output.WriteLine($"n-grams only: {before}");
        output.WriteLine($"with the encoder (weight {encoder.EncoderWeight:F1}): {after}");

        Assert.False(ngrams.UsesEncoder);
        Assert.True(encoder.UsesEncoder, "Auto uses the encoder with 10 examples per intent.");
        Assert.True(after.Accuracy >= before.Accuracy + 0.04, $"{before.Accuracy:P2} -> {after.Accuracy:P2}");
    }
}
