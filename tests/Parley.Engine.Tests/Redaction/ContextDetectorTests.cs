using Parley.Engine.Redaction;

namespace Parley.Engine.Tests.Redaction;

/// <summary>Types that are only taken with a cue or a strict shape: licences, dates, postcodes, ages, titles.</summary>
public sealed class ContextDetectorTests
{
    [Theory]
    [InlineData("My driver's license number is U62928788557186", "U62928788557186")]
    [InlineData("driving licence: 6940579.", "6940579")]
    public void Driver_licences_are_found_after_a_licence_cue(string text, string licence)
    {
        Assert.Equal([licence], Detect.ValuesOf(PiiTypes.UsDriverLicense, text));
    }

    [Fact]
    public void A_licence_shaped_code_without_the_cue_is_not_a_licence()
    {
        Assert.Empty(Detect.ValuesOf(PiiTypes.UsDriverLicense, "Coupon U62928788557186 applied"));
    }

    [Theory]
    [InlineData("When: 2000-04-16 11:34:35\nWhere", "2000-04-16 11:34:35")]
    [InlineData("It's like that since 12/1/1981", "12/1/1981")]
    [InlineData("born on 2/16/1942.", "2/16/1942")]
    [InlineData("flew on Tuesday morning", "Tuesday")]
    [InlineData("founded in 1977.", "1977")]
    [InlineData("due March 5th, 2021 at noon", "March 5th, 2021")]
    [InlineData("between 9:30 AM and", "9:30 AM")]
    public void Dates_and_times_are_found(string text, string date)
    {
        Assert.Equal([date], Detect.ValuesOf(PiiTypes.DateTime, text));
    }

    [Theory]
    [InlineData("Suite 1987 is upstairs")] // a bare year needs "in", "since"...
    [InlineData("version 13/45/2020")] // no month 45 nor 13 with day 45
    [InlineData("I paid 2024 dollars")]
    public void Numbers_that_are_not_dates_are_left_alone(string text)
    {
        Assert.Empty(Detect.ValuesOf(PiiTypes.DateTime, text));
    }

    [Theory]
    [InlineData("My zip code is 90010-170", "90010-170")]
    [InlineData("ZIP: 7412 SL", "7412 SL")]
    [InlineData("postal code B0J 2H0", "B0J 2H0")]
    [InlineData("Postcode: SW1A 1AA", "SW1A 1AA")]
    [InlineData("my zip code is 35350 in case", "35350")]
    public void Postcodes_are_found_after_a_postcode_cue(string text, string zip)
    {
        Assert.Equal([zip], Detect.ValuesOf(PiiTypes.ZipCode, text));
    }

    [Fact]
    public void A_bare_five_digit_number_is_not_a_postcode()
    {
        Assert.Empty(Detect.ValuesOf(PiiTypes.ZipCode, "I ordered 35350 units"));
    }

    [Theory]
    [InlineData("I am 34 years old", "34")]
    [InlineData("Patient is a 62-year-old male", "62")]
    [InlineData("retired at the age of 61", "61")]
    [InlineData("My brother just turned 32", "32")]
    [InlineData("and i'm 64 y/o.", "64")]
    public void Ages_are_the_number_alone(string text, string age)
    {
        Assert.Equal([age], Detect.ValuesOf(PiiTypes.Age, text));
    }

    [Theory]
    [InlineData("I have 34 apples")]
    [InlineData("the temperature turned 30 degrees")]
    [InlineData("a 200 year old oak")] // not a human age
    public void Numbers_without_age_words_are_not_ages(string text)
    {
        Assert.Empty(Detect.ValuesOf(PiiTypes.Age, text));
    }

    [Theory]
    [InlineData("please correct it to Mr. Marcin Wiśniewski?", "Mr.")]
    [InlineData("mr. elliott flew", "mr.")]
    [InlineData("I used to work for NATO as Passenger booking clerk, but quit", "Passenger booking clerk")]
    [InlineData("Janka M. Szász\n\nNetwork and computer systems administrator\n\nPersonal Info:", "Network and computer systems administrator")]
    public void Titles_and_job_titles_are_found(string text, string title)
    {
        Assert.Equal([title], Detect.ValuesOf(PiiTypes.Title, text));
    }

    [Theory]
    [InlineData("Excuse me, sir bot, but I really don't like this tone")]
    [InlineData("I work for Acme as of last year")]
    public void Honorific_words_without_a_name_are_not_titles(string text)
    {
        Assert.Empty(Detect.ValuesOf(PiiTypes.Title, text));
    }
}
