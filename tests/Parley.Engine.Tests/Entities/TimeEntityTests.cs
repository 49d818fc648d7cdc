using Parley.Engine.Entities;
using static Parley.Engine.Tests.Entities.Extraction;

namespace Parley.Engine.Tests.Entities;

public sealed class TimeEntityTests
{
    [Theory]
    [InlineData("Call at 3pm please", "3pm", "15:00:00")]
    [InlineData("Call at 3 PM please", "3 PM", "15:00:00")]
    [InlineData("Call at 9:30 AM please", "9:30 AM", "09:30:00")]
    [InlineData("Call at 10 a.m. please", "10 a.m.", "10:00:00")]
    [InlineData("Call at 12am please", "12am", "00:00:00")]
    [InlineData("Call at 12:15pm please", "12:15pm", "12:15:00")]
    [InlineData("Call at 15:30 please", "15:30", "15:30:00")]
    [InlineData("Call at 07:05:09 please", "07:05:09", "07:05:09")]
    [InlineData("Call at noon please", "noon", "12:00:00")]
    [InlineData("Call at midnight please", "midnight", "00:00:00")]
    public void Times_of_day_are_normalised_to_24_hour_iso_8601(string text, string found, string value)
    {
        var time = Only(text, EntityTypes.Time);

        Assert.Equal(found, time.Text);
        Assert.Equal(8, time.Start);
        Assert.Equal(value, time.Value);
    }

    [Theory]
    [InlineData("at 25:00")]
    [InlineData("at 13pm")]
    [InlineData("at 10:75")]
    [InlineData("ratio 3:1")]
    [InlineData("I am here")]
    public void Impossible_times_and_ratios_are_not_times(string text)
    {
        Assert.DoesNotContain(EntityTypes.Time, Types(text));
    }

    [Theory]
    [InlineData("See you tomorrow at 3pm!", "tomorrow at 3pm", "2024-01-11T15:00:00")]
    [InlineData("See you tomorrow 9:30 AM!", "tomorrow 9:30 AM", "2024-01-11T09:30:00")]
    [InlineData("See you 3pm on Friday!", "3pm on Friday", "2024-01-12T15:00:00")]
    [InlineData("See you Jan 15, 10:30!", "Jan 15, 10:30", "2024-01-15T10:30:00")]
    [InlineData("See you 15/01/2024 14:00!", "15/01/2024 14:00", "2024-01-15T14:00:00")]
    [InlineData("See you next Monday at noon!", "next Monday at noon", "2024-01-15T12:00:00")]
    public void A_date_beside_a_time_is_one_datetime(string text, string found, string value)
    {
        var dateTime = Only(text, EntityTypes.DateTime);

        Assert.Equal(found, dateTime.Text);
        Assert.Equal(8, dateTime.Start);
        Assert.Equal(value, dateTime.Value);
    }

    [Fact]
    public void A_date_and_a_time_far_apart_stay_separate()
    {
        var entities = Extract("Tomorrow I will be busy until 3pm");

        Assert.Equal([EntityTypes.Date, EntityTypes.Time], entities.Select(e => e.Type));
    }

    [Theory]
    [InlineData("at 2024-01-15T10:30:00Z ok", "2024-01-15T10:30:00Z", "2024-01-15T10:30:00Z")]
    [InlineData("at 2024-01-15T10:30+0100 ok", "2024-01-15T10:30+0100", "2024-01-15T10:30:00+01:00")]
    [InlineData("at 2024-01-15T10:30:00.123-05:00 ok", "2024-01-15T10:30:00.123-05:00", "2024-01-15T10:30:00-05:00")]
    [InlineData("at 2024-01-15 10:30 ok", "2024-01-15 10:30", "2024-01-15T10:30:00")]
    public void Iso_timestamps_are_one_datetime_and_keep_their_offset(string text, string found, string value)
    {
        var dateTime = Only(text, EntityTypes.DateTime);

        Assert.Equal(found, dateTime.Text);
        Assert.Equal(3, dateTime.Start);
        Assert.Equal(value, dateTime.Value);
    }

    [Theory]
    [InlineData("in 2 hours", "2024-01-10T11:00:00")]
    [InlineData("in 30 minutes", "2024-01-10T09:30:00")]
    [InlineData("in 5 min", "2024-01-10T09:05:00")]
    [InlineData("an hour ago", "2024-01-10T08:00:00")]
    public void Hours_and_minutes_from_now_are_a_datetime(string phrase, string value)
    {
        var dateTime = Only(phrase, EntityTypes.DateTime);

        Assert.Equal((0, phrase.Length), (dateTime.Start, dateTime.End));
        Assert.Equal(value, dateTime.Value);
    }
}
