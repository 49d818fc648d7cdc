using Parley.Engine.Sentiment;

namespace Parley.Engine.Tests.Sentiment;

public sealed class SentimentScorerTests
{
    [Theory]
    [InlineData("This is the worst service ever, absolutely unacceptable!!")]
    [InlineData("I am very frustrated and angry about my order")]
    [InlineData("I'm not happy with this at all")]
    public void Angry_messages_score_clearly_negative(string text) => Assert.True(SentimentScorer.Score(text) < -0.3, text);

    [Theory]
    [InlineData("Thanks, that was really helpful")]
    [InlineData("Great, I love it")]
    public void Pleased_messages_score_positive(string text) => Assert.True(SentimentScorer.Score(text) > 0.3, text);

    [Theory]
    [InlineData("What are your opening hours?")]
    [InlineData("")]
    public void Neutral_messages_score_zero(string text) => Assert.Equal(0, SentimentScorer.Score(text));

    [Fact]
    public void Negation_flips_and_scores_stay_in_range()
    {
        Assert.True(SentimentScorer.Score("not bad") > 0);
        Assert.InRange(SentimentScorer.Score("TERRIBLE AWFUL HORRIBLE WORST SCAM!!!!"), -1, 1);
    }
}
