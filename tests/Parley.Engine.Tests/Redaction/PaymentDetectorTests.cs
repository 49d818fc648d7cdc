using Parley.Engine.Redaction;

namespace Parley.Engine.Tests.Redaction;

public sealed class PaymentDetectorTests
{
    [Theory]
    [InlineData("My card 4111 1111 1111 1111 was charged twice", "4111 1111 1111 1111")]
    [InlineData("card: 4111-1111-1111-1111.", "4111-1111-1111-1111")]
    [InlineData("Amex 378282246310005 please", "378282246310005")]
    [InlineData("pay with 5555555555554444", "5555555555554444")]
    [InlineData("Maestro 630400000000 expired", "630400000000")]
    [InlineData("points on credit card 123456789015 transactions", "123456789015")]
    public void Luhn_valid_cards_are_found(string text, string card)
    {
        Assert.Equal([card], Detect.ValuesOf(PiiTypes.CreditCard, text));
    }

    [Theory]
    [InlineData("My card 4111 1111 1111 1112 was charged")] // Luhn fails
    [InlineData("reference 123456789015 is attached")] // 12 digits, no Maestro prefix, no card word
    [InlineData("call 001-518-640-0857 now")] // Luhn-valid, but grouped like a phone number
    [InlineData("ticket 1111")]
    public void Look_alikes_are_not_cards(string text)
    {
        Assert.Empty(Detect.ValuesOf(PiiTypes.CreditCard, text));
    }

    [Fact]
    public void A_card_followed_by_another_number_is_still_found()
    {
        Assert.Equal(["4111 1111 1111 1111"], Detect.ValuesOf(PiiTypes.CreditCard, "cards 4111 1111 1111 1111 2024"));
    }

    [Theory]
    [InlineData("Here's my SSN: 536-22-1234", "536-22-1234")]
    [InlineData("social security number 536 22 1234.", "536 22 1234")]
    [InlineData("SSN 536221234", "536221234")]
    public void Ssns_are_found(string text, string ssn)
    {
        Assert.Equal([ssn], Detect.ValuesOf(PiiTypes.UsSsn, text));
    }

    [Theory]
    [InlineData("Ref 000-12-3456")] // area 000
    [InlineData("Ref 666-12-3456")] // area 666
    [InlineData("Ref 912-34-5678")] // area 9xx
    [InlineData("Ref 536-00-1234")] // group 00
    [InlineData("Ref 536-22-0000")] // serial 0000
    [InlineData("Ref 123-45-6789")] // the best-known example number
    [InlineData("Ref 078-05-1120")] // printed on wallet inserts in 1938
    [InlineData("SSN 536-22 1234")] // mixed separators
    [InlineData("order 536221234 shipped")] // bare nine digits need the word SSN
    public void Unlabelled_numbers_the_ssa_never_issues_are_not_ssns(string text)
    {
        Assert.Empty(Detect.ValuesOf(PiiTypes.UsSsn, text));
    }

    [Theory]
    [InlineData("My IBAN is GB82 WEST 1234 5698 7654 32.", "GB82 WEST 1234 5698 7654 32")]
    [InlineData("from GB82WEST12345698765432 to", "GB82WEST12345698765432")]
    [InlineData("DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00")]
    [InlineData("iban gb82west12345698765432", "gb82west12345698765432")]
    public void Ibans_with_a_valid_checksum_are_found(string text, string iban)
    {
        Assert.Equal([iban], Detect.ValuesOf(PiiTypes.IbanCode, text));
    }

    [Theory]
    [InlineData("My IBAN is GB83 WEST 1234 5698 7654 32")] // wrong check digits
    [InlineData("GB82WEST1234569876543")] // one character short for GB
    [InlineData("GB82WEST123456987654321")] // one character too many
    [InlineData("XX82WEST12345698765432")] // no such country
    public void Ibans_failing_mod_97_or_length_are_not_found(string text)
    {
        Assert.Empty(Detect.ValuesOf(PiiTypes.IbanCode, text));
    }

    [Fact]
    public void The_account_number_of_document_004_is_masked_as_shown_there()
    {
        var result = new PiiRedactor().Redact("Please check 1234-5678-9012-3456 for me");

        var redaction = Assert.Single(result.Redactions);
        Assert.Equal(PiiTypes.AccountNumber, redaction.Type);
        Assert.Equal("account_number", redaction.ApiType);
        Assert.Equal("1234-5678-9012-3456", redaction.Original);
        Assert.Equal("****-****-****-3456", redaction.Masked);
        Assert.Equal((13, 32), (redaction.Start, redaction.End));
    }

    [Theory]
    [InlineData("my account number is 12345678", "12345678")]
    [InlineData("acct # 000123456789 was closed", "000123456789")]
    [InlineData("a/c 4455 6677 8899 please", "4455 6677 8899")]
    public void Account_numbers_need_an_account_word_or_dashes(string text, string account)
    {
        Assert.Equal([account], Detect.ValuesOf(PiiTypes.AccountNumber, text));
    }

    [Theory]
    [InlineData("order 12345678 has shipped")]
    [InlineData("my account was locked after 1234567 attempts")] // seven digits are too few
    [InlineData("code 12-34-56")] // too few digits for a dashed account number
    public void Other_digit_runs_are_not_account_numbers(string text)
    {
        Assert.Empty(Detect.ValuesOf(PiiTypes.AccountNumber, text));
    }
}
