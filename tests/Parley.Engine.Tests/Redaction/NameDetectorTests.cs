using Parley.Engine.Redaction;

namespace Parley.Engine.Tests.Redaction;

public sealed class NameDetectorTests
{
    [Theory]
    [InlineData("My name is Jane Cooper", "Jane Cooper")]
    [InlineData("Hi Kevin, thanks for the help", "Kevin")]
    [InlineData("Dear Mrs. Labrie,", "Labrie")]
    [InlineData("Hello, this is Mr. Ronald Bodnár. Who are you?", "Ronald Bodnár")]
    [InlineData("The name in the account is not correct, please change it to Ivan King", "Ivan King")]
    [InlineData("Will my account stay active? It's under my partner's name Nicole Mahler", "Nicole Mahler")]
    [InlineData("I want to add Dennis Kastner as a beneficiary to my account", "Dennis Kastner")]
    [InlineData("I would like to remove my kid Florence from the will.", "Florence")]
    [InlineData("Kuba, can I please speak to your boss?", "Kuba")]
    [InlineData("\"I'm glad to hear that,\" says Joly.", "Joly")]
    [InlineData("Date: 2015-12-22\nName: Åsa Laine\nPhone: 083 564 9312", "Åsa Laine")]
    [InlineData("Follow up with Maika van de Noort in a couple of months.", "Maika van de Noort")]
    [InlineData("Maybe it's under Faina D. Yefremova", "Faina D. Yefremova")]
    [InlineData("my name is borna jerković", "borna jerković")]
    public void Names_after_or_before_a_cue_are_found(string text, string name)
    {
        Assert.Equal([name], Detect.ValuesOf(PiiTypes.Person, text));
    }

    [Fact]
    public void A_signature_block_opens_with_the_name_and_repeats_count_too()
    {
        const string text = "William Hughes\n\n20789 Allika 46\n Suite 501\n Riisa\n\nWilliam Hughes";

        Assert.Equal(["William Hughes", "William Hughes"], Detect.ValuesOf(PiiTypes.Person, text));
    }

    [Fact]
    public void A_list_of_names_shares_the_evidence_of_its_introduction()
    {
        Assert.Equal(
            ["Matheus", "Janet", "Nicholas", "Terri"],
            Detect.ValuesOf(PiiTypes.Person, "They had 4: Matheus, Janet, Nicholas and Terri."));
    }

    [Theory]
    [InlineData("I use Microsoft Excel and Google Chrome every day")]
    [InlineData("I tried Chrome, Firefox and Safari.")]
    [InlineData("Excel is not working and Outlook's settings are gone")]
    [InlineData("Capitalized words like Wisdom and Discipline are often mistaken with names.")]
    [InlineData("The Princess Royal arrived this morning.")]
    [InlineData("What is the limit for card 4111 1111 1111 1111?")]
    [InlineData("Climate Corporation is the brainchild of our founders")]
    [InlineData("Action & Adventure, Animation, Comedy, Kids & Family, Mystery & Suspense")]
    public void Products_companies_and_title_case_are_not_names(string text)
    {
        Assert.Empty(Detect.ValuesOf(PiiTypes.Person, text));
    }

    [Theory]
    [InlineData("I'm originally from Norway", "Norway")]
    [InlineData("We moved here from Cyprus (Greek)", "Cyprus (Greek)")]
    [InlineData("Mr. Pálffy is a 19 year old man who grew up in ΑΛΑΣΣΑ.", "ΑΛΑΣΣΑ")]
    [InlineData("studying journalism at the University of Vadsa.", "Vadsa")]
    [InlineData("When: 2000-04-16\nWhere: UPTON SCUDAMORE Country Club.", "UPTON SCUDAMORE")]
    [InlineData("we returned to kiel by helicopter", "kiel")]
    public void Places_are_countries_or_follow_a_place_cue(string text, string place)
    {
        Assert.Equal([place], Detect.ValuesOf(PiiTypes.Location, text));
    }

    [Theory]
    [InlineData("I live in fear of the Settings page")]
    [InlineData("I'm in March on holiday")]
    [InlineData("the app in English")]
    public void Capitalised_words_after_in_are_not_places_without_a_place_cue(string text)
    {
        Assert.Empty(Detect.ValuesOf(PiiTypes.Location, text));
    }

    [Theory]
    [InlineData("There's this nice new Croatian place downtown.", "Croatian")]
    [InlineData("We are proud saudis", "saudis")]
    [InlineData("I am Buddhist", "Buddhist")]
    public void Nationality_religion_and_party_words_are_found(string text, string word)
    {
        Assert.Equal([word], Detect.ValuesOf(PiiTypes.Nrp, text));
    }

    [Theory]
    [InlineData("while studying English and journalism")]
    [InlineData("please polish the text")]
    public void Languages_and_ordinary_words_are_not_nationalities(string text)
    {
        Assert.Empty(Detect.ValuesOf(PiiTypes.Nrp, text));
    }
}
