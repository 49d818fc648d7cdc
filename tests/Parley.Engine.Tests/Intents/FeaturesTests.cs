using Parley.Engine.Intents;

namespace Parley.Engine.Tests.Intents;

public sealed class FeaturesTests
{
    [Theory]
    [InlineData("Where's my ORDER #12345?!", "wheres my order 12345")]
    [InlineData("  hello,world  ", "hello world")]
    [InlineData("It’s 5:30 p.m.", "its 5 30 p m")]
    [InlineData("Café déjà-vu", "café déjà vu")]
    [InlineData("", "")]
    public void Normalising_lower_cases_drops_punctuation_and_keeps_numbers(string text, string normal)
    {
        Assert.Equal(normal, TextNormalizer.Normalize(text));
    }

    [Fact]
    public void N_gram_keys_are_stable_across_processes()
    {
        // Saved models store these keys: if this value changes, every stored model is silently broken.
        var keys = new List<ulong>();
        NgramHasher.WordKeys(["refund"], 1, keys);

        Assert.Equal(NgramKeyOfRefund, keys.Single());
    }

    [Fact]
    public void Character_n_grams_stay_inside_padded_words()
    {
        var keys = new List<ulong>();
        NgramHasher.CharKeys(["ab", "c"], 3, 5, keys);

        // " ab " gives " ab", "ab ", then " ab " (4); " c " is shorter than 4 and counted once at 3.
        Assert.Equal(4, keys.Count);
        Assert.Equal(4, keys.Distinct().Count());
    }

    [Fact]
    public void Vectors_are_unit_length_per_block_and_unknown_n_grams_shorten_them()
    {
        var featurizer = Featurizer.Fit(["track my order", "refund my order"], new NgramSettings(), minDocumentFrequency: 1);

        var known = featurizer.Transform("track my order");
        var partly = featurizer.Transform("track my order somewhere quickly");

        Assert.Equal(2.0, known.Values.Sum(v => v * v), precision: 4);
        Assert.InRange(partly.Values.Sum(v => v * v), 0.1, 1.9);
        Assert.Empty(featurizer.Transform("zzz").Indices.Intersect(known.Indices.Where(i => i < featurizer.WordFeatureCount)));
    }

    // FNV-1a 64 over the UTF-16 bytes of (family 0x5750, n = 1, "refund"), worked out independently in Python.
    private const ulong NgramKeyOfRefund = 16057805361867780543UL;
}
