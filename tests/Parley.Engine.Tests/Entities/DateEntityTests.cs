using Parley.Engine.Entities;
using static Parley.Engine.Tests.Entities.Extraction;

namespace Parley.Engine.Tests.Entities;

public sealed class DateEntityTests
{
    private static readonly EntityExtractionOptions MonthFirst = new() { DateOrder = DateOrder.MonthFirst };

    [Theory]
    [InlineData("It arrived on 2024-01-15.", "2024-01-15", "2024-01-15", 14)]
    [InlineData("It arrived on 2024/1/5.", "2024/1/5", "2024-01-05", 14)]
    [InlineData("It arrived on 15/01/2024.", "15/01/2024", "2024-01-15", 14)]
    [InlineData("It arrived on 15.01.24.", "15.01.24", "2024-01-15", 14)]
    [InlineData("It arrived on Jan 15.", "Jan 15", "2024-01-15", 14)]
    [InlineData("It arrived on 5 Jan. and left", "5 Jan.", "2024-01-05", 14)]
    [InlineData("It arrived on 15 January 2024.", "15 January 2024", "2024-01-15", 14)]
    [InlineData("It arrived on March 3rd, 2023!", "March 3rd, 2023", "2023-03-03", 14)]
    [InlineData("It arrived on the 3rd of March.", "3rd of March", "2024-03-03", 18)]
    [InlineData("It arrived on Monday, January 15, 2024", "Monday, January 15, 2024", "2024-01-15", 14)]
    public void Absolute_dates_are_normalised_to_iso_8601(string text, string found, string value, int start)
    {
        var date = Only(text, EntityTypes.Date);

        Assert.Equal(found, date.Text);
        Assert.Equal(value, date.Value);
        Assert.Equal(start, date.Start);
        Assert.Equal(start + found.Length, date.End);
    }

    [Fact]
    public void Day_first_is_the_default_and_month_first_is_an_option()
    {
        Assert.Equal("2024-04-03", Only("on 03/04/2024", EntityTypes.Date).Value);
        Assert.Equal("2024-03-04", Only("on 03/04/2024", EntityTypes.Date, MonthFirst).Value);
    }

    [Fact]
    public void A_date_that_only_reads_one_way_is_read_that_way_whatever_the_option()
    {
        Assert.Equal("2024-04-13", Only("on 04/13/2024", EntityTypes.Date).Value);
        Assert.Equal("2024-04-13", Only("on 13/04/2024", EntityTypes.Date, MonthFirst).Value);
    }

    [Fact]
    public void An_ambiguous_numeric_date_is_less_confident_than_an_unambiguous_one()
    {
        Assert.True(Only("on 03/04/2024", EntityTypes.Date).Confidence < Only("on 23/04/2024", EntityTypes.Date).Confidence);
    }

    [Theory]
    [InlineData("on 31/02/2024")]
    [InlineData("on 2024-13-01")]
    [InlineData("on February 30")]
    [InlineData("version 10.0.14 is out")]
    public void Impossible_dates_are_not_dates(string text)
    {
        Assert.DoesNotContain(EntityTypes.Date, Types(text));
    }

    [Theory]
    [InlineData("I may 3 things")]
    [InlineData("born in 1990")]
    [InlineData("we march on")]
    public void Words_and_years_that_only_look_like_dates_are_not_dates(string text)
    {
        Assert.DoesNotContain(EntityTypes.Date, Types(text));
    }

    [Theory]
    [InlineData("today", "2024-01-10")]
    [InlineData("tonight", "2024-01-10")]
    [InlineData("tomorrow", "2024-01-11")]
    [InlineData("yesterday", "2024-01-09")]
    [InlineData("day after tomorrow", "2024-01-12")]
    [InlineData("day before yesterday", "2024-01-08")]
    [InlineData("Monday", "2024-01-15")]
    [InlineData("next Monday", "2024-01-15")]
    [InlineData("this Friday", "2024-01-12")]
    [InlineData("Wednesday", "2024-01-17")]
    [InlineData("last Friday", "2024-01-05")]
    [InlineData("last Wednesday", "2024-01-03")]
    [InlineData("in 3 days", "2024-01-13")]
    [InlineData("in a week", "2024-01-17")]
    [InlineData("in two weeks", "2024-01-24")]
    [InlineData("in 1 month", "2024-02-10")]
    [InlineData("2 weeks ago", "2023-12-27")]
    [InlineData("a couple of days ago", "2024-01-08")]
    [InlineData("5 days from now", "2024-01-15")]
    public void Relative_dates_are_resolved_against_now(string phrase, string value)
    {
        var text = $"Ship it {phrase}, thanks";

        var date = Only(text, EntityTypes.Date);

        Assert.Equal(phrase, date.Text);
        Assert.Equal(8, date.Start);
        Assert.Equal(value, date.Value);
    }

    [Fact]
    public void Today_is_the_calendar_day_of_now_in_its_own_offset()
    {
        // 23:30 on the 10th in UTC is already the 11th in Tokyo.
        var tokyo = new DateTimeOffset(2024, 1, 11, 8, 30, 0, TimeSpan.FromHours(9));

        var date = Assert.Single(new EntityExtractor().Extract("today", tokyo));

        Assert.Equal("2024-01-11", date.Value);
    }

    [Fact]
    public void A_date_without_a_year_takes_the_year_of_now()
    {
        var date = Assert.Single(new EntityExtractor().Extract("Jan 15", new DateTimeOffset(2031, 6, 1, 0, 0, 0, TimeSpan.Zero)));

        Assert.Equal("2031-01-15", date.Value);
    }

    [Fact]
    public void A_weekday_before_a_full_date_is_part_of_that_date_not_a_second_one()
    {
        var date = Only("Monday, January 15, 2024", EntityTypes.Date);

        Assert.Equal(0, date.Start);
        Assert.Equal("2024-01-15", date.Value);
    }
}
