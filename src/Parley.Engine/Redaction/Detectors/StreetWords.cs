namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// Street vocabulary: USPS street suffixes (Publication 28, appendix C1) for English-order addresses, and the
/// common street words of European languages, as word endings (Hauptstraße, Søndergade, Kiannonkatu) and as
/// leading words (Rue, Via, Calle, ul.). General knowledge of address formats, not a gazetteer.
/// </summary>
internal static class StreetWords
{
    private static readonly HashSet<string> Types = Set(
        """
        street st avenue ave av road rd lane ln boulevard blvd drive dr court ct place pl way terrace ter parkway pkwy
        highway hwy circle cir square sq trail trl crescent cres close row alley plaza route rte pass bypass harbor
        harbors harbour harbours mall point points pike walk path loop mews wharf quay grove groves gardens garden
        heights ridge ridges junction junctions crossing crossroad crossroads expressway freeway turnpike causeway
        esplanade promenade annex arcade bayou beach bend bluff bluffs bottom branch bridge brook brooks burg burgs
        camp canyon cape center centers circles cliff cliffs club common commons corner corners course courts cove
        coves creek crest curve dale dam divide drives estate estates extension extensions falls ferry field fields
        flat flats ford fords forest forests forge forges fork forks fort gateway glen glens green greens haven hill
        hills hollow inlet island islands isle key keys knoll knolls lake lakes land landing light lights loaf lock
        locks lodge manor manors meadow meadows mill mills mission motorway mount mountain mountains neck orchard oval
        overpass park parks passage pine pines plain plains port prairie radial ramp ranch rapid rapids rest river
        rivers run shoal shoals shore shores skyway spring springs spur spurs squares station stream summit
        throughway trace track tunnel underpass union unions valley valleys viaduct view views village villages ville
        vista wall ways well wells str
        """);

    private static readonly HashSet<string> Prefixes = Set(
        """
        rue via viale vicolo piazza piazzetta corso largo calle avenida avda rua praça travessa paseo plaza carrer
        chemin allée boulevard place quai impasse strada ulica ul al aleja λεωφόρος οδός πλατεία avenue
        """);

    private static readonly string[] Endings =
    [
        "strasse", "straße", "stræti", "straeti", "stræde", "straede", "gasse", "weg", "allee", "platz", "damm", "ufer",
        "vej", "gade", "gaden", "gata", "gatan", "vägen", "väg", "katu", "kuja", "polku", "vegur", "braut", "straat",
        "laan", "plein", "gracht", "steeg", "utca", "útja", "ulica", "cesta", "iela", "gatvė", "tänav",
    ];

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> TypeLookup = Types.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> PrefixLookup = Prefixes.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>"Street", "Ave", "Crossroad": the word that ends an English-order street name.</summary>
    public static bool IsStreetType(ReadOnlySpan<char> word) => TypeLookup.Contains(word);

    /// <summary>"Rue", "Via", "ul": the word that opens a continental street name.</summary>
    public static bool IsStreetPrefix(ReadOnlySpan<char> word) => PrefixLookup.Contains(word);

    /// <summary>"Augsburger Strasse", "Søndergade": a street word on its own or as the end of a compound.</summary>
    public static bool HasStreetEnding(ReadOnlySpan<char> word)
    {
        foreach (var ending in Endings)
        {
            if (word.EndsWith(ending, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static HashSet<string> Set(string words) =>
        new(words.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries), StringComparer.OrdinalIgnoreCase);
}
