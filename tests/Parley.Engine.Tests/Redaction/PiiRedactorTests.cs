using Parley.Engine.Redaction;

namespace Parley.Engine.Tests.Redaction;

public sealed class PiiRedactorTests
{
    private static readonly PiiRedactor Redactor = new();

    [Fact]
    public void Each_value_is_replaced_by_its_placeholder_and_listed_with_original_offsets()
    {
        const string text = "Hi, I'm Jane Cooper. Card 4111 1111 1111 1111, mail jane.doe@example.com or call (415) 555-2671.";

        var result = Redactor.Redact(text);

        Assert.Equal("Hi, I'm [PERSON]. Card [CREDIT_CARD], mail [EMAIL_ADDRESS] or call [PHONE_NUMBER].", result.Text);
        Assert.Equal(
            [
                (PiiTypes.Person, "Jane Cooper", "J*** C*****", 8, 19),
                (PiiTypes.CreditCard, "4111 1111 1111 1111", "**** **** **** 1111", 26, 45),
                (PiiTypes.EmailAddress, "jane.doe@example.com", "j***@example.com", 52, 72),
                (PiiTypes.PhoneNumber, "(415) 555-2671", "(***) ***-**71", 81, 95),
            ],
            result.Redactions.Select(r => (r.Type, r.Original, r.Masked, r.Start, r.End)));
        Assert.All(result.Redactions, r => Assert.Equal(r.Original, text[r.Start..r.End]));
    }

    [Theory]
    [InlineData("SSN 536-22-1234", "***-**-1234", "ssn")]
    [InlineData("IBAN GB82 WEST 1234 5698 7654 32", "GB** **** **** **** **54 32", "iban")]
    [InlineData("mail: j@x.io", "j***@x.io", "email")]
    [InlineData("Call +1 (415) 555-2671", "+* (***) ***-**71", "phone")]
    [InlineData("acct 000123456789", "********6789", "account_number")]
    public void Masks_keep_a_hint_and_the_shape(string text, string masked, string apiType)
    {
        var redaction = Assert.Single(Redactor.Redact(text).Redactions);

        Assert.Equal(masked, redaction.Masked);
        Assert.Equal(apiType, redaction.ApiType);
    }

    [Fact]
    public void A_validated_number_wins_over_a_longer_guess_that_runs_over_it()
    {
        // The address cue would run over the card; the card is kept whole and the address is cut before it.
        var spans = Detect.All("Please update the billing address with 12 Elm Street 4111 1111 1111 1111");

        Assert.Equal([(PiiTypes.StreetAddress, "12 Elm Street"), (PiiTypes.CreditCard, "4111 1111 1111 1111")], spans);
    }

    [Fact]
    public void Overlapping_detections_of_one_value_yield_one_redaction()
    {
        // Phone, account and card detectors all see digits here; only the card (validated) remains.
        var result = Redactor.Redact("my account card 4111-1111-1111-1111");

        Assert.Equal("my account card [CREDIT_CARD]", result.Text);
    }

    [Fact]
    public void Disabled_types_are_not_redacted_and_either_naming_works()
    {
        var redactor = new PiiRedactor(new RedactionOptions { DisabledTypes = ["email", "PERSON"] });

        var result = redactor.Redact("I'm Jane Cooper, jane@example.com, 415-555-2671");

        Assert.Equal("I'm Jane Cooper, jane@example.com, [PHONE_NUMBER]", result.Text);
    }

    [Fact]
    public void Only_enabled_types_are_redacted()
    {
        var redactor = new PiiRedactor(new RedactionOptions { EnabledTypes = ["ssn"] });

        Assert.Equal("[US_SSN] and jane@example.com", redactor.Redact("536-22-1234 and jane@example.com").Text);
    }

    [Fact]
    public void An_unknown_type_name_is_rejected_rather_than_silently_ignored()
    {
        Assert.Throws<ArgumentException>(() => new PiiRedactor(new RedactionOptions { DisabledTypes = ["credit-card"] }));
    }

    [Fact]
    public void Masked_values_can_replace_placeholders()
    {
        var redactor = new PiiRedactor(new RedactionOptions { UseMaskedValuesInText = true });

        Assert.Equal("card ****-****-****-3456", redactor.Redact("card 1234-5678-9012-3456").Text);
    }

    [Fact]
    public void Additional_detectors_take_part_in_overlap_resolution()
    {
        var redactor = new PiiRedactor(new RedactionOptions { AdditionalDetectors = [new CustomerNumberDetector()] });

        var result = redactor.Redact("customer CU-778812 wrote from jane@example.com");

        Assert.Equal("customer [CUSTOMER_ID] wrote from [EMAIL_ADDRESS]", result.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("How do I check my balance on my credit card?")]
    [InlineData("3... 2... 1... liftoff!")]
    public void Text_without_personal_data_comes_back_unchanged(string text)
    {
        var result = Redactor.Redact(text);

        Assert.Equal(text, result.Text);
        Assert.False(result.HasRedactions);
    }

    [Fact]
    public void Every_type_has_an_api_name_and_round_trips_through_normalize()
    {
        Assert.All(PiiTypes.All, type =>
        {
            Assert.Equal(type, PiiTypes.Normalize(type));
            Assert.Equal(type, PiiTypes.Normalize(PiiTypes.ToApiName(type)));
        });
        Assert.Equal(["ssn", "account_number", "email", "phone"], new[] { PiiTypes.UsSsn, PiiTypes.AccountNumber, PiiTypes.EmailAddress, PiiTypes.PhoneNumber }.Select(PiiTypes.ToApiName));
    }

    private sealed class CustomerNumberDetector : IPiiDetector
    {
        public IEnumerable<PiiSpan> Find(string text)
        {
            var at = text.IndexOf("CU-", StringComparison.Ordinal);
            if (at >= 0)
            {
                yield return new PiiSpan("CUSTOMER_ID", at, at + 9, PiiPriority.Validated);
            }
        }
    }
}
