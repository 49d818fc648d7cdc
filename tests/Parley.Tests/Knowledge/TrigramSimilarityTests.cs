using Parley.Server.Knowledge;

namespace Parley.Tests.Knowledge;

/// <summary>
/// The spelling-tolerant ranking inside the source a conversation is about joins split short words
/// ("wi fi", "t v") into the word a passage uses. Only the question's own adjacent words are joined:
/// joining a join to its neighbour again ("fi" + "wifi") makes grams no passage holds.
/// </summary>
public sealed class TrigramSimilarityTests
{
    [Fact]
    public void Short_words_are_joined_to_their_neighbours_once_and_joins_are_not_joined_again()
    {
        Assert.Equal(["wi", "fi", "free", "wifi", "fifree"], TrigramSimilarity.QueryWords("is the wi fi free", new HashSet<string>()));
        Assert.Equal(["wi", "fi", "wifi"], TrigramSimilarity.QueryWords("is there wi fi", new HashSet<string>()));
        Assert.Equal(["free", "wi", "fi", "freewi", "wifi"], TrigramSimilarity.QueryWords("free wi fi", new HashSet<string>()));
    }

    [Fact]
    public void A_split_word_scores_its_passage_as_the_whole_word_does()
    {
        IReadOnlyList<(string, string)> passages = [("Is there wifi?", "Wifi is free in all rooms."), ("Is there a gym?", "The gym opens at 6 am.")];
        var split = TrigramSimilarity.Score("is the wi fi free", "Hotel Zetta", passages);
        Assert.True(split[0] > split[1], $"{split[0]} vs {split[1]}");
    }
}
