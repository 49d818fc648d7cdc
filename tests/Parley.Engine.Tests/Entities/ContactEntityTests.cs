using Parley.Engine.Entities;
using static Parley.Engine.Tests.Entities.Extraction;

namespace Parley.Engine.Tests.Entities;

public sealed class ContactEntityTests
{
    [Fact]
    public void An_email_is_found_with_its_offsets_and_its_domain_lower_cased()
    {
        var email = Only("Write to John.Doe@Example.COM please", EntityTypes.Email);

        Assert.Equal("John.Doe@Example.COM", email.Text);
        Assert.Equal((9, 29), (email.Start, email.End));
        Assert.Equal("John.Doe@example.com", email.Value);
    }

    [Fact]
    public void An_emails_domain_is_not_also_a_url()
    {
        var entities = Extract("Reply to support@helpdesk.example.co.uk please.");

        var email = Assert.Single(entities);
        Assert.Equal(EntityTypes.Email, email.Type);
        Assert.Equal("support@helpdesk.example.co.uk", email.Text);
    }

    [Fact]
    public void A_full_stop_after_an_email_is_not_part_of_it()
    {
        Assert.Equal("a.b@example.org", Only("Mail a.b@example.org.", EntityTypes.Email).Text);
    }

    [Theory]
    [InlineData("See https://example.com/help?x=1.", "https://example.com/help?x=1", "https://example.com/help?x=1", 4)]
    [InlineData("(see https://x.io/y)", "https://x.io/y", "https://x.io/y", 5)]
    [InlineData("wiki http://foo.com/a_(b) here", "http://foo.com/a_(b)", "http://foo.com/a_(b)", 5)]
    [InlineData("Go to www.parley.io, then", "www.parley.io", "https://www.parley.io", 6)]
    [InlineData("docs at docs.example.org/path.", "docs.example.org/path", "https://docs.example.org/path", 8)]
    public void Urls_are_found_without_trailing_punctuation(string text, string found, string value, int start)
    {
        var url = Only(text, EntityTypes.Url);

        Assert.Equal(found, url.Text);
        Assert.Equal(value, url.Value);
        Assert.Equal(start, url.Start);
    }

    [Theory]
    [InlineData("Please see e.g. the attached report.pdf")]
    [InlineData("We use Node.js and version 1.2")]
    public void Dotted_words_that_are_not_addresses_are_not_urls(string text)
    {
        Assert.DoesNotContain(EntityTypes.Url, Types(text));
    }

    [Theory]
    [InlineData("Call +1 (555) 123-4567 now", "+1 (555) 123-4567", "+15551234567")]
    [InlineData("Tel: +44 20 7946 0958.", "+44 20 7946 0958", "+442079460958")]
    [InlineData("Mobile +4915112345678", "+4915112345678", "+4915112345678")]
    [InlineData("me (+1 555 123 4567).", "+1 555 123 4567", "+15551234567")]
    [InlineData("UK: +44 (0) 20 7946 0958", "+44 (0) 20 7946 0958", "+442079460958")]
    [InlineData("ring 555-987-6543 please", "555-987-6543", "5559876543")]
    [InlineData("ring (555) 123-4567.", "(555) 123-4567", "5551234567")]
    [InlineData("fax 555.123.4567", "555.123.4567", "5551234567")]
    [InlineData("London 020 7946 0958", "020 7946 0958", "02079460958")]
    [InlineData("call me on 5551234567", "5551234567", "5551234567")]
    [InlineData("Paris 03.93.92.16.85", "03.93.92.16.85", "0393921685")]
    [InlineData("Sydney (08) 8747 6301", "(08) 8747 6301", "0887476301")]
    [InlineData("desk 555-123-4567 ext. 89 today", "555-123-4567 ext. 89", "5551234567")]
    [InlineData("desk (898)666-3621x0135", "(898)666-3621x0135", "8986663621")]
    public void Phone_numbers_in_common_shapes_are_found(string text, string found, string value)
    {
        var phone = OnlyOfType(text, EntityTypes.Phone);

        Assert.Equal(found, phone.Text);
        Assert.Equal(value, phone.Value);
    }

    [Theory]
    [InlineData("1", "ring 555-987-6543", "+15559876543")]
    [InlineData("1", "Dial 1-800-555-0199", "+18005550199")]
    [InlineData("44", "London 020 7946 0958", "+442079460958")]
    [InlineData("44", "Tel +1 555 123 4567", "+15551234567")]
    public void A_default_calling_code_completes_national_numbers_to_e164(string code, string text, string value)
    {
        var options = new EntityExtractionOptions { DefaultCallingCode = code };

        Assert.Equal(value, OnlyOfType(text, EntityTypes.Phone, options).Value);
    }

    [Theory]
    [InlineData("It happened on 2024-01-15")]
    [InlineData("It happened on 15.01.2024")]
    [InlineData("It happened on 15-01-2024")]
    [InlineData("Server at 192.168.10.10 is down")]
    [InlineData("Pi is 3.14159265")]
    [InlineData("My reference 12345678 please")]
    [InlineData("Scores 2024 2025 2026")]
    public void Dates_addresses_decimals_and_bare_digit_runs_are_not_phones(string text)
    {
        Assert.DoesNotContain(EntityTypes.Phone, Types(text));
    }

    [Fact]
    public void A_date_after_a_phone_context_word_is_still_a_date()
    {
        var entity = Assert.Single(Extract("call 2024-01-15?"));

        Assert.Equal(EntityTypes.Date, entity.Type);
    }
}
