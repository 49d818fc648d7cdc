using Parley.Engine.Redaction;

namespace Parley.Engine.Tests.Redaction;

/// <summary>
/// Ordinary support chat, typed the way people type it (first letter capitalised, products and features named
/// mid-sentence), names nobody and no place: the learned tagger must not redact it, while names and addresses
/// that come with a cue still go (issue 18; session 11's tagger failed this and was reverted).
/// </summary>
public sealed class OrdinaryChatTests
{
    private static readonly string[] Guessed = [PiiTypes.Person, PiiTypes.Location, PiiTypes.StreetAddress, PiiTypes.Organization, PiiTypes.ZipCode];

    // What conversations redact by default, and the same with ORGANIZATION switched on.
    private static readonly PiiRedactor Conversation = new(new RedactionOptions
    {
        EnabledTypes = PiiTypes.All,
        DisabledTypes = [PiiTypes.DateTime, PiiTypes.Url, PiiTypes.Title, PiiTypes.Nrp, PiiTypes.Organization],
    });

    private static readonly PiiRedactor EveryType = new(new RedactionOptions { EnabledTypes = PiiTypes.All });

    [Theory]
    [InlineData("Earlier you said the refund would take five days.")]
    [InlineData("Earlier question: can I change my delivery address?")]
    [InlineData("Parcel never arrived and the tracking page is blank.")]
    [InlineData("Parcel 9b01219d never arrived")]
    [InlineData("Second")]
    [InlineData("second")]
    [InlineData("Thanks")]
    [InlineData("Thanks, that fixed it!")]
    [InlineData("Hello, I need help with my Jira issues")]
    [InlineData("The totals are wrong when I export to Excel")]
    [InlineData("Printer keeps jamming on page two")]
    [InlineData("Invoice shows the wrong amount again")]
    [InlineData("Subscription renewed twice this month, please check")]
    [InlineData("Yesterday the app crashed when I opened Settings")]
    [InlineData("Password reset link expired before I clicked it")]
    [InlineData("Still waiting for an answer about my order")]
    [InlineData("My Trello board stopped syncing with Slack")]
    [InlineData("Checkout fails with a spinning wheel in Safari")]
    [InlineData("Battery drains overnight since the last update")]
    [InlineData("Warranty claim for a cracked screen")]
    [InlineData("Could you escalate this to someone please")]
    [InlineData("What is Redis?")]
    [InlineData("How does Zapier work with my account?")]
    public void Ordinary_support_sentences_come_back_unredacted(string text)
    {
        foreach (var redactor in new[] { Conversation, EveryType })
        {
            var guessed = redactor.FindSpans(text).Where(s => Guessed.Contains(s.Type)).Select(s => $"{s.Type} '{text[s.Start..s.End]}'").ToList();
            Assert.True(guessed.Count == 0, $"\"{text}\": {string.Join(", ", guessed)}");
        }
    }

    [Theory]
    [InlineData("Parcel {0} never arrived")]
    [InlineData("Order {0} is late")]
    [InlineData("Ticket {0} was closed without an answer")]
    public void A_label_before_an_identifier_is_not_a_name_whatever_the_identifier(string template)
    {
        // The console tests title conversations "Parcel <8 random hex digits> never arrived"; one id in a few
        // hundred made the tagger read "Parcel" as a name, so this sweeps many (seeded) identifiers.
        var random = new Random(18);
        for (var i = 0; i < 300; i++)
        {
            var id = i % 3 == 0
                ? random.Next(1_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture)
                : random.NextInt64().ToString(i % 3 == 1 ? "x16" : "X16", System.Globalization.CultureInfo.InvariantCulture)[..8];
            var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, id);
            var guessed = Conversation.FindSpans(text).Where(s => Guessed.Contains(s.Type)).Select(s => $"{s.Type} '{text[s.Start..s.End]}'").ToList();
            Assert.True(guessed.Count == 0, $"\"{text}\": {string.Join(", ", guessed)}");
        }
    }

    [Theory]
    [InlineData("Hi, my name is Dana Whitfield and my order is late.", "Dana Whitfield")]
    [InlineData("This is Marcus Oyelaran, I called yesterday.", "Marcus Oyelaran")]
    [InlineData("I live at 42 Elm Street and the parcel never came.", "42 Elm Street")]
    [InlineData("Please ask Mr Kowalczyk to call me back.", "Kowalczyk")]
    public void Names_and_addresses_with_a_cue_are_still_redacted(string text, string value)
    {
        var redacted = Conversation.Redact(text).Text;

        Assert.DoesNotContain(value, redacted);
    }
}
