using Parley.Engine.Redaction;

namespace Parley.Engine.Tests.Redaction;

public sealed class AddressDetectorTests
{
    [Theory]
    [InlineData("I live at 42 Elm Street, Springfield. Thanks", "42 Elm Street, Springfield")]
    [InlineData("We moved to 221B Baker Street, London NW1 6XE last week", "221B Baker Street, London NW1 6XE")]
    [InlineData("The title refers to 1668 Glyn St street in town", "1668 Glyn St")]
    [InlineData("The bus station is on Pod Floriánem 1677", "Pod Floriánem 1677")]
    [InlineData("Meet me at Via Roma 131 tomorrow", "Via Roma 131")]
    [InlineData("Lives at 36 rue de Pologne, Paris", "36 rue de Pologne, Paris")]
    public void Streets_in_english_and_continental_order_are_found(string text, string address)
    {
        Assert.Equal([address], Detect.ValuesOf(PiiTypes.StreetAddress, text));
    }

    [Fact]
    public void A_multi_line_address_is_one_span_up_to_the_sentence_end()
    {
        const string text = "card number 630427373398 is lost, can you please send a new one to 1987 74 Diakou Street\n Suite 680\n Kissousa\n Cyprus 36903? I am in Nicosia";

        Assert.Equal(["1987 74 Diakou Street\n Suite 680\n Kissousa\n Cyprus 36903"], Detect.ValuesOf(PiiTypes.StreetAddress, text));
    }

    [Theory]
    [InlineData("What is your address? it is PSC 0272, Box 1651\nAPO AA 94530", "PSC 0272, Box 1651\nAPO AA 94530")]
    [InlineData("I'd like to call a taxi to Unit 7349 Box 6067\nDPO AE 99081. Please call me", "Unit 7349 Box 6067\nDPO AE 99081")]
    [InlineData("send it to P.O. Box 149, thanks", "P.O. Box 149")]
    public void Post_boxes_and_military_addresses_are_found(string text, string address)
    {
        Assert.Equal([address], Detect.ValuesOf(PiiTypes.StreetAddress, text));
    }

    [Fact]
    public void A_phrase_that_introduces_an_address_takes_what_follows()
    {
        const string text = "Not getting bank documents to my address. Can you please validate the following? 51709 Spinatsch 94 Apt. 615 Moosleerau Switzerland";

        Assert.Equal(["51709 Spinatsch 94 Apt. 615 Moosleerau Switzerland"], Detect.ValuesOf(PiiTypes.StreetAddress, text));
    }

    [Fact]
    public void The_recipient_line_of_a_billing_address_is_not_part_of_it()
    {
        const string text = "Billing address: Sophie Lang\n    3482 Via Franscini 71 Suite 838\n   Tujetsch";

        Assert.Equal(["3482 Via Franscini 71 Suite 838\n   Tujetsch"], Detect.ValuesOf(PiiTypes.StreetAddress, text));
    }

    [Fact]
    public void An_address_block_ends_before_a_labelled_line()
    {
        const string text = "Julcsa Kárpáthy\n50668 Kiannonkatu 98 Apt. 105, ISHAM, United Kingdom\nMobile: 03.93.92.16.85";

        Assert.Equal(["50668 Kiannonkatu 98 Apt. 105, ISHAM, United Kingdom"], Detect.ValuesOf(PiiTypes.StreetAddress, text));
    }

    [Theory]
    [InlineData("I have 3 cats and 2 dogs")]
    [InlineData("Departure gate 12 at 5 pm")]
    [InlineData("Send it to my wife please")]
    [InlineData("During 1971, Mayo-Walters invested heavily")]
    [InlineData("The meeting is at 5 pm in Room 4")]
    public void Numbers_and_words_that_are_no_address_are_left_alone(string text)
    {
        Assert.Empty(Detect.ValuesOf(PiiTypes.StreetAddress, text));
    }
}
