using Parley.Engine.Entities;
using static Parley.Engine.Tests.Entities.Extraction;

namespace Parley.Engine.Tests.Entities;

public sealed class AmountEntityTests
{
    [Theory]
    [InlineData("It cost $25 in total", "$25", "25", "USD")]
    [InlineData("It cost 25 USD in total", "25 USD", "25", "USD")]
    [InlineData("It cost USD 25 in total", "USD 25", "25", "USD")]
    [InlineData("It cost €1,299.50 in total", "€1,299.50", "1299.50", "EUR")]
    [InlineData("It cost 1.299,50 EUR in total", "1.299,50 EUR", "1299.50", "EUR")]
    [InlineData("It cost 1,299 USD in total", "1,299 USD", "1299", "USD")]
    [InlineData("It cost 25€ in total", "25€", "25", "EUR")]
    [InlineData("It cost 12,5 eur in total", "12,5 eur", "12.5", "EUR")]
    [InlineData("It cost £9.99 in total", "£9.99", "9.99", "GBP")]
    [InlineData("It cost $0.99 in total", "$0.99", "0.99", "USD")]
    [InlineData("It cost CA$10 in total", "CA$10", "10", "CAD")]
    [InlineData("It cost 20 dollars in total", "20 dollars", "20", "USD")]
    [InlineData("It cost 3 euros in total", "3 euros", "3", "EUR")]
    [InlineData("It cost $1,000,000 in total", "$1,000,000", "1000000", "USD")]
    public void Amounts_are_normalised_to_a_decimal_and_an_iso_4217_code(string text, string found, string amount, string currency)
    {
        var money = Only(text, EntityTypes.Amount);

        Assert.Equal(found, money.Text);
        Assert.Equal(8, money.Start);
        Assert.Equal(new Money(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), currency), money.Value);
    }

    [Fact]
    public void The_currency_a_bare_dollar_means_is_an_option()
    {
        var options = new EntityExtractionOptions { DollarCurrency = "AUD" };

        Assert.Equal(new Money(25m, "AUD"), Only("$25", EntityTypes.Amount, options).Value);
        Assert.Equal(new Money(25m, "USD"), Only("US$25", EntityTypes.Amount, options).Value);
    }

    [Theory]
    [InlineData("I lost 5 pounds")]
    [InlineData("try 3 times")]
    [InlineData("we have 3 CADs")]
    public void Weights_counts_and_lower_case_words_are_not_money(string text)
    {
        Assert.DoesNotContain(EntityTypes.Amount, Types(text));
    }

    [Theory]
    [InlineData("a 15% discount", "15%", "15")]
    [InlineData("a 7.5 percent discount", "7.5 percent", "7.5")]
    [InlineData("a 20 per cent discount", "20 per cent", "20")]
    [InlineData("a -5% discount", "-5%", "-5")]
    public void Percentages_are_normalised_to_their_number(string text, string found, string value)
    {
        var percent = Only(text, EntityTypes.Percentage);

        Assert.Equal(found, percent.Text);
        Assert.Equal(2, percent.Start);
        Assert.Equal(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), percent.Value);
    }

    [Theory]
    [InlineData("I have 3 items", "3", "3")]
    [InlineData("I have 1,000 items", "1,000", "1000")]
    [InlineData("I have 2.5 items", "2.5", "2.5")]
    public void Plain_numbers_are_numbers(string text, string found, string value)
    {
        var number = Only(text, EntityTypes.Number);

        Assert.Equal(found, number.Text);
        Assert.Equal(7, number.Start);
        Assert.Equal(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), number.Value);
    }

    [Theory]
    [InlineData("version 10.0.14")]
    [InlineData("the 3rd item")]
    [InlineData("model X200")]
    public void Parts_of_versions_ordinals_and_codes_are_not_numbers(string text)
    {
        Assert.DoesNotContain(EntityTypes.Number, Types(text));
    }

    [Fact]
    public void Plain_numbers_can_be_turned_off()
    {
        Assert.Empty(Extract("I have 3 items", WithoutNumbers));
        Assert.Equal(EntityTypes.Amount, Assert.Single(Extract("I have $3", WithoutNumbers)).Type);
    }

    [Fact]
    public void A_number_inside_an_amount_or_percentage_is_not_reported_again()
    {
        Assert.Equal([EntityTypes.Percentage, EntityTypes.Amount], Types("Refund 50% of $1,000"));
    }
}
