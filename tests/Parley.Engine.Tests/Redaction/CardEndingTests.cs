using Parley.Engine.Redaction;

namespace Parley.Engine.Tests.Redaction;

/// <summary>"Card ending 4242": the card word and "ending" make four digits part of a card number.</summary>
public sealed class CardEndingTests
{
    [Theory]
    [InlineData("My Visa ending in 4242 was declined", "4242")]
    [InlineData("the card ending 0005 is expired", "0005")]
    [InlineData("Charge it to my debit card, it ends with 1881.", "1881")]
    [InlineData("last four digits of my credit card are 3456", "3456")]
    public void The_last_four_digits_of_a_named_card_are_redacted(string text, string digits)
    {
        Assert.Equal([digits], Detect.ValuesOf(PiiTypes.CreditCard, text));
        Assert.Contains("[CREDIT_CARD]", new PiiRedactor().Redact(text).Text);
    }

    [Theory]
    [InlineData("My order ending in 4242 has not arrived")]
    [InlineData("The meeting ending at 1230 was long")]
    [InlineData("I got the card in 2019")]
    public void Four_digits_without_a_card_ending_are_left_alone(string text)
    {
        Assert.Empty(Detect.ValuesOf(PiiTypes.CreditCard, text));
    }
}
