using Parley.Engine.Embeddings;

namespace Parley.Engine.Tests.Embeddings;

public sealed class SentenceEmbedderTests
{
    [Fact]
    public void A_paraphrase_is_closer_than_an_unrelated_sentence()
    {
        var vectors = SentenceEmbedder.Shared.Embed(["is there free wifi at the hotel", "does the hotel offer internet access", "what is the weather like today"]);

        Assert.All(vectors, v => Assert.Equal(SentenceEmbedder.Dimensions, v.Length));
        var paraphrase = SentenceEmbedder.Cosine(vectors[0], vectors[1]);
        var unrelated = SentenceEmbedder.Cosine(vectors[0], vectors[2]);
        Assert.True(paraphrase > unrelated + 0.3f, $"paraphrase {paraphrase:F3}, unrelated {unrelated:F3}");
        Assert.InRange(SentenceEmbedder.Cosine(vectors[0], vectors[0]), 0.999f, 1.001f);
    }

    [Fact]
    public void Blank_huge_and_odd_texts_give_finite_vectors_without_failing()
    {
        var huge = string.Concat(Enumerable.Repeat("refund shipping wifi ", 50_000));
        var vectors = SentenceEmbedder.Shared.Embed(["", "   ", huge, "😀 ñ 中文 \u0000 \uD800 x"]);

        Assert.All(vectors[0], x => Assert.Equal(0f, x));
        Assert.All(vectors[1], x => Assert.Equal(0f, x));
        Assert.All(vectors[2..], v => Assert.All(v, x => Assert.True(float.IsFinite(x))));
        Assert.InRange(SentenceEmbedder.Cosine(vectors[2], vectors[2]), 0.999f, 1.001f);
    }

    [Fact]
    public void Batches_and_parallel_callers_get_the_vector_a_lone_call_gets()
    {
        var texts = Enumerable.Range(0, SentenceEmbedder.BatchSize + 5).Select(i => $"where is my order number {i}").ToArray();
        var batched = SentenceEmbedder.Shared.Embed(texts);

        var alone = new float[texts.Length][];
        Parallel.For(0, texts.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => alone[i] = SentenceEmbedder.Shared.Embed(texts[i]));

        for (var i = 0; i < texts.Length; i++)
        {
            Assert.InRange(SentenceEmbedder.Cosine(batched[i], alone[i]), 0.999f, 1.001f);
        }
    }

    [Fact]
    public void A_text_asked_again_gets_the_same_vector_and_a_caller_cannot_change_what_the_next_one_gets()
    {
        var first = SentenceEmbedder.Shared.Embed("can I still get a refund for my jacket");
        var copy = (float[])first.Clone();
        Array.Fill(first, 0f);

        var again = SentenceEmbedder.Shared.Embed(["can I still get a refund for my jacket"])[0];

        Assert.Equal(copy, again);
    }

    [Fact]
    public void The_second_encoder_is_another_model_that_also_puts_a_paraphrase_closer_than_an_unrelated_sentence()
    {
        string[] texts = ["is there free wifi at the hotel", "does the hotel offer internet access", "what is the weather like today", ""];
        var vectors = SentenceEmbedder.Second.Embed(texts);
        var shared = SentenceEmbedder.Shared.Embed(texts);

        Assert.Equal("snowflake-arctic-embed-xs", SentenceEmbedder.Second.Model);
        Assert.Equal("all-MiniLM-L6-v2", SentenceEmbedder.Shared.Model);
        Assert.All(vectors, v => Assert.Equal(SentenceEmbedder.Dimensions, v.Length));
        Assert.True(SentenceEmbedder.Cosine(vectors[0], vectors[1]) > SentenceEmbedder.Cosine(vectors[0], vectors[2]) + 0.1f);
        Assert.InRange(SentenceEmbedder.Cosine(vectors[0], vectors[0]), 0.999f, 1.001f);
        Assert.All(vectors[3], x => Assert.Equal(0f, x));

        // Not the shared encoder under another name: the two place one sentence differently.
        Assert.True(SentenceEmbedder.Cosine(vectors[0], shared[0]) < 0.99f);
    }
}
