using Parley.Engine.Redaction;

namespace Parley.Engine.Tests.Redaction;

/// <summary>A tenant's own business names stay in the text; the personal data around them does not.</summary>
public sealed class ProtectedPhrasesTests
{
    private static readonly PiiRedactor Redactor = new();

    [Theory]
    [InlineData("We are staying at the Hotel Zetta next week.", "Hotel Zetta")]
    [InlineData("We are staying at the grant hotel next week.", "Grant Hotel")]
    [InlineData("Is Super Duper Burgers - Union Square open?", "Super Duper Burgers - Union Square")]
    public void A_protected_phrase_is_never_redacted_whatever_overlaps_it(string text, string phrase)
    {
        var result = Redactor.Redact(text, [phrase, "Grant Hotel"]);

        Assert.Equal(text, result.Text);
    }

    [Fact]
    public void The_person_and_address_next_to_a_protected_name_are_still_redacted()
    {
        const string text = "I'm Sophie Marchetti, we booked the Grant Hotel, and I live at 42 Elm Street, Springfield.";

        var protectedText = Redactor.Redact(text, ["Grant Hotel"]).Text;

        // (Unprotected, the tagger trained with chat negatives no longer takes "the Grant Hotel" for a place either.)
        Assert.Contains("the Grant Hotel,", protectedText);
        Assert.DoesNotContain("Sophie", protectedText);
        Assert.DoesNotContain("Elm Street", protectedText);
    }

    [Fact]
    public void Structured_values_are_redacted_even_inside_a_protected_phrase()
    {
        var result = Redactor.Redact("Write to jane.doe@example.com please", ["jane.doe@example.com"]);

        Assert.Equal("Write to [EMAIL_ADDRESS] please", result.Text);
    }

    [Fact]
    public void Only_whole_words_are_protected()
    {
        var spans = ProtectedPhrases.Occurrences("Grant Hotels and the Grant Hotel", ["Grant Hotel", " ", ""]);

        Assert.Equal([(21, 32)], spans);
    }
}
