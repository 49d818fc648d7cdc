using Parley.Engine.Redaction;

namespace Parley.Engine.Tests.Redaction;

/// <summary>Ordinary words that were taken for personal data (issue 19).</summary>
public sealed class FalsePositiveTests
{
    [Theory]
    [InlineData("Please send the refund to IBAN GB33BUKB20201555555555", "GB33BUKB20201555555555")]
    [InlineData("sent to IBAN DE89370400440532013000 yesterday", "DE89370400440532013000")]
    public void The_word_iban_before_an_iban_is_not_an_address(string text, string iban)
    {
        Assert.Equal([(PiiTypes.IbanCode, iban)], Detect.All(text));
    }

    [Theory]
    [InlineData("call me back")]
    [InlineData("Please call me back tomorrow.")]
    [InlineData("can you call me back later")]
    [InlineData("Call me back when it is fixed")]
    public void Call_me_back_names_nobody(string text)
    {
        Assert.DoesNotContain(Detect.All(text), s => s.Type == PiiTypes.Person);
    }

    [Theory]
    [InlineData("call me Jane", "Jane")]
    [InlineData("Please call me jane doe", "jane doe")]
    public void Call_me_with_a_name_still_finds_the_name(string text, string name)
    {
        Assert.Contains((PiiTypes.Person, name), Detect.All(text));
    }
}
