using Parley.Engine.Entities;
using static Parley.Engine.Tests.Entities.Extraction;

namespace Parley.Engine.Tests.Entities;

public sealed class ReferenceNumberEntityTests
{
    [Theory]
    [InlineData("Where is order 123-456?", "123-456", "123-456", 15)]
    [InlineData("Where is order #12345?", "#12345", "12345", 15)]
    [InlineData("Where is order number 98765?", "98765", "98765", 22)]
    [InlineData("Where is order no. 2024?", "2024", "2024", 19)]
    [InlineData("Where is order: ab-991?", "ab-991", "AB-991", 16)]
    [InlineData("Where is ORD-2024-0001?", "ORD-2024-0001", "ORD-2024-0001", 9)]
    [InlineData("Where is po#12345?", "#12345", "12345", 11)]
    [InlineData("Where is #55512?", "#55512", "55512", 9)]
    public void Order_numbers_are_found_from_context_prefixes_and_hashes(string text, string found, string value, int start)
    {
        var order = Only(text, EntityTypes.OrderNumber);

        Assert.Equal(found, order.Text);
        Assert.Equal(value, order.Value);
        Assert.Equal(start, order.Start);
    }

    [Theory]
    [InlineData("About ticket TCK-42 again", "TCK-42", "TCK-42")]
    [InlineData("About ticket #42 again", "#42", "42")]
    [InlineData("About case 778812 again", "778812", "778812")]
    [InlineData("About INC-2031 again", "INC-2031", "INC-2031")]
    public void Ticket_numbers_are_found(string text, string found, string value)
    {
        var ticket = Only(text, EntityTypes.TicketNumber);

        Assert.Equal(found, ticket.Text);
        Assert.Equal(value, ticket.Value);
    }

    [Theory]
    [InlineData("My account no. 12345678 is locked", "12345678")]
    [InlineData("My account number is 12345678 is locked", "12345678")]
    [InlineData("My acct #A1234 is locked", "#A1234")]
    [InlineData("My account 1234-5678-9012-3456 is locked", "1234-5678-9012-3456")]
    [InlineData("My account 1234 5678 9012 3456 is locked", "1234 5678 9012 3456")]
    public void Account_numbers_are_found(string text, string found)
    {
        var account = Only(text, EntityTypes.AccountNumber);

        Assert.Equal(found, account.Text);
    }

    [Theory]
    [InlineData("My order from 2023 never came")]
    [InlineData("I placed the order 2023 and again in 2024")]
    [InlineData("The ticket 12 days ago")]
    [InlineData("What is my order status?")]
    [InlineData("My order arrives 2024-01-15")]
    public void Years_counts_and_dates_near_context_words_are_not_references(string text)
    {
        var types = Types(text).ToList();

        Assert.DoesNotContain(EntityTypes.OrderNumber, types);
        Assert.DoesNotContain(EntityTypes.TicketNumber, types);
    }

    [Fact]
    public void An_order_given_as_a_date_is_a_date()
    {
        Assert.Equal(EntityTypes.Date, Assert.Single(Extract("order 2024-01-15")).Type);
    }

    [Fact]
    public void A_phone_number_is_not_an_order_number_unless_the_customer_says_so()
    {
        Assert.Equal(EntityTypes.Phone, Assert.Single(Extract("ring 555-123-4567")).Type);
        Assert.Equal(EntityTypes.AccountNumber, Assert.Single(Extract("account 555-123-4567")).Type);
    }

    [Fact]
    public void A_time_after_a_context_word_stays_a_time()
    {
        Assert.Equal(EntityTypes.Time, Assert.Single(Extract("request 10am")).Type);
    }
}
