using Parley.Engine.Redaction;

namespace Parley.Engine.Tests.Redaction;

/// <summary>
/// Values the customer names themselves ("my SSN", "passport number", "DOB"): the label is the evidence,
/// so a checksum or a known sample number must not keep them in the stored text (issue 19).
/// </summary>
public sealed class LabelledIdentifierTests
{
    [Theory]
    [InlineData("My SSN 123-45-6789", "123-45-6789")] // published sample number
    [InlineData("social security number: 666-12-3456", "666-12-3456")] // area the SSA never issues
    [InlineData("ssn is 900 12 3456 thanks", "900 12 3456")]
    [InlineData("SSN 078051120", "078051120")]
    public void A_number_the_customer_calls_an_ssn_is_redacted_whatever_its_checksum(string text, string ssn)
    {
        Assert.Equal([ssn], Detect.ValuesOf(PiiTypes.UsSsn, text));
    }

    [Theory]
    [InlineData("Ticket 123-45-6789 is open")]
    [InlineData("reference 666-12-3456")]
    public void An_invalid_ssn_shape_without_a_label_is_not_an_ssn(string text)
    {
        Assert.Empty(Detect.ValuesOf(PiiTypes.UsSsn, text));
    }

    [Theory]
    [InlineData("My passport number is 912803456.", "912803456")]
    [InlineData("Passport No: X1234567", "X1234567")]
    [InlineData("passport #AB 123456 expires soon", "AB 123456")]
    public void Passport_numbers_are_found_after_a_passport_cue(string text, string passport)
    {
        Assert.Equal([passport], Detect.ValuesOf(PiiTypes.Passport, text));
    }

    [Theory]
    [InlineData("Order X1234567 shipped")]
    [InlineData("my passport expired last year")]
    public void Codes_without_a_passport_cue_are_not_passports(string text)
    {
        Assert.Empty(Detect.ValuesOf(PiiTypes.Passport, text));
    }

    [Theory]
    [InlineData("DOB: 01/02/1980", "01/02/1980")]
    [InlineData("I was born on 3 March 1985 in Leeds", "3 March 1985")]
    [InlineData("date of birth is March 3, 1985.", "March 3, 1985")]
    [InlineData("d.o.b. 1985-03-03", "1985-03-03")]
    public void Labelled_dates_of_birth_are_found(string text, string date)
    {
        Assert.Equal([date], Detect.ValuesOf(PiiTypes.DateOfBirth, text));
    }

    [Theory]
    [InlineData("order placed on 3 March")]
    [InlineData("my card expires 01/02/2030")]
    public void Unlabelled_dates_are_not_dates_of_birth(string text)
    {
        Assert.Empty(Detect.ValuesOf(PiiTypes.DateOfBirth, text));
    }

    [Fact]
    public void A_date_of_birth_is_redacted_with_the_default_settings_even_where_dates_are_kept()
    {
        var redactor = new PiiRedactor(new RedactionOptions { DisabledTypes = [PiiTypes.DateTime] });

        var result = redactor.Redact("DOB: 01/02/1980, order placed on 3 March");

        Assert.Equal("DOB: [DATE_OF_BIRTH], order placed on 3 March", result.Text);
    }
}
