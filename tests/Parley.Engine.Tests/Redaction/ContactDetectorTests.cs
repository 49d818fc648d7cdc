using Parley.Engine.Redaction;

namespace Parley.Engine.Tests.Redaction;

public sealed class ContactDetectorTests
{
    [Theory]
    [InlineData("You said your email is jane.doe+news@example.co.uk. Is that correct?", "jane.doe+news@example.co.uk")]
    [InlineData("mail:UtaKortig@jourrapide.com?", "UtaKortig@jourrapide.com")]
    [InlineData("écrivez à josé.garcía@correo.es", "josé.garcía@correo.es")]
    public void Emails_are_found_without_trailing_punctuation(string text, string email)
    {
        Assert.Equal([email], Detect.ValuesOf(PiiTypes.EmailAddress, text));
    }

    [Theory]
    [InlineData("Call me on +41 (0)96 471 07 95 please", "+41 (0)96 471 07 95")]
    [InlineData("Desk: +1-903-140-4508x769", "+1-903-140-4508x769")]
    [InlineData("reach me at (415) 555-2671.", "(415) 555-2671")]
    [InlineData("my cell 415-555-2671", "415-555-2671")]
    [InlineData("fax 259.735.7502x459 today", "259.735.7502x459")]
    [InlineData("mobile 0490 75 40 81", "0490 75 40 81")]
    [InlineData("Can someone call me on 01.84.17.61.18?", "01.84.17.61.18")]
    [InlineData("number 001-518-640-0854", "001-518-640-0854")]
    [InlineData("+447700 921 916", "+447700 921 916")]
    [InlineData("(08) 8747 6301", "(08) 8747 6301")]
    public void Phone_numbers_with_a_telling_shape_need_no_context(string text, string phone)
    {
        Assert.Equal([phone], Detect.ValuesOf(PiiTypes.PhoneNumber, text));
    }

    [Theory]
    [InlineData("Phone:\n60-56-85-91", "60-56-85-91")]
    [InlineData("They're not answering at 78 651 450", "78 651 450")]
    [InlineData("Fax: 9498777106", "9498777106")]
    [InlineData("082 490 1693-Office", "082 490 1693")]
    [InlineData("781 1704 office", "781 1704")]
    public void Short_or_bare_numbers_are_phones_only_near_a_phone_word(string text, string phone)
    {
        Assert.Equal([phone], Detect.ValuesOf(PiiTypes.PhoneNumber, text));
    }

    [Theory]
    [InlineData("I have 451 5986 reasons")] // no phone word
    [InlineData("Call me about the meeting on 12.05.2023")] // a date
    [InlineData("Phone call logged 2000-04-16 11:34:35")] // a timestamp
    [InlineData("call me, card 4111111111111111")] // a card number
    [InlineData("call 12 34 56")] // six digits
    [InlineData("I bought 3 cats and 12 dogs for 2024 dollars")] // plain small numbers
    [InlineData("SSN 536-22-1234")] // an SSN shape
    [InlineData("at 192.168.10.20")] // an IP address
    public void Dates_cards_and_small_numbers_are_not_phones(string text)
    {
        Assert.Empty(Detect.ValuesOf(PiiTypes.PhoneNumber, text));
    }

    [Theory]
    [InlineData("My website is http://www.ScrapbookInsider.com.pt/.", "http://www.ScrapbookInsider.com.pt/")]
    [InlineData("see (www.example.org/a?b=1)", "www.example.org/a?b=1")]
    public void Urls_are_found_without_sentence_punctuation(string text, string url)
    {
        Assert.Equal([url], Detect.ValuesOf(PiiTypes.Url, text));
    }

    [Theory]
    [InlineData("keep getting address 179.177.214.91 blocked", "179.177.214.91")]
    [InlineData("client_ip = ?%//!%20\\|36.106.174.11|%20/", "36.106.174.11")]
    [InlineData("from 2001:db8::8a2e:370:7334 today", "2001:db8::8a2e:370:7334")]
    [InlineData("host fe80:0:0:0:202:b3ff:fe1e:8329", "fe80:0:0:0:202:b3ff:fe1e:8329")]
    public void Ip_addresses_are_found(string text, string ip)
    {
        Assert.Equal([ip], Detect.ValuesOf(PiiTypes.IpAddress, text));
    }

    [Theory]
    [InlineData("at 11:34:35 sharp")]
    [InlineData("version 1.2.3.4.5")]
    [InlineData("999.1.1.1")]
    [InlineData("a :: b")]
    public void Times_versions_and_bad_octets_are_not_ip_addresses(string text)
    {
        Assert.Empty(Detect.ValuesOf(PiiTypes.IpAddress, text));
    }
}
