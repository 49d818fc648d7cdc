namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// Country names in English, and the nationality words of their people (singular and plural), from general
/// knowledge of the world's states. Countries can be matched without context; city names cannot, which is
/// why <see cref="LocationDetector"/> needs a cue for anything not listed here.
/// </summary>
internal static class Countries
{
    private static readonly string[] Names =
    [
        "Afghanistan", "Albania", "Algeria", "Andorra", "Angola", "Antigua and Barbuda", "Argentina", "Armenia", "Australia",
        "Austria", "Azerbaijan", "Bahamas", "Bahrain", "Bangladesh", "Barbados", "Belarus", "Belgium", "Belize", "Benin",
        "Bhutan", "Bolivia", "Bosnia and Herzegovina", "Botswana", "Brazil", "Brunei", "Bulgaria", "Burkina Faso",
        "Burundi", "Cambodia", "Cameroon", "Canada", "Cape Verde", "Central African Republic", "Chile", "China",
        "Colombia", "Comoros", "Congo", "Costa Rica", "Croatia", "Cuba", "Cyprus", "Czech Republic", "Czechia", "Denmark",
        "Djibouti", "Dominica", "Dominican Republic", "East Timor", "Ecuador", "Egypt", "El Salvador", "Equatorial Guinea",
        "Eritrea", "Estonia", "Eswatini", "Ethiopia", "Fiji", "Finland", "France", "Gabon", "Gambia", "Germany", "Ghana",
        "Greece", "Greenland", "Grenada", "Guatemala", "Guinea", "Guinea-Bissau", "Guyana", "Haiti", "Honduras",
        "Hong Kong", "Hungary", "Iceland", "India", "Indonesia", "Iran", "Iraq", "Ireland", "Israel", "Italy",
        "Ivory Coast", "Jamaica", "Japan", "Kazakhstan", "Kenya", "Kiribati", "Kosovo", "Kuwait", "Kyrgyzstan", "Laos",
        "Latvia", "Lebanon", "Lesotho", "Liberia", "Libya", "Liechtenstein", "Lithuania", "Luxembourg", "Madagascar",
        "Malawi", "Malaysia", "Maldives", "Mali", "Malta", "Marshall Islands", "Mauritania", "Mauritius", "Mexico",
        "Micronesia", "Moldova", "Monaco", "Mongolia", "Montenegro", "Morocco", "Mozambique", "Myanmar", "Namibia",
        "Nauru", "Nepal", "Netherlands", "New Zealand", "Nicaragua", "Niger", "Nigeria", "North Korea", "North Macedonia",
        "Norway", "Oman", "Pakistan", "Palau", "Palestine", "Panama", "Papua New Guinea", "Paraguay", "Peru",
        "Philippines", "Poland", "Portugal", "Puerto Rico", "Qatar", "Romania", "Russia", "Rwanda", "Saint Lucia", "Samoa",
        "San Marino", "Saudi Arabia", "Scotland", "Senegal", "Serbia", "Seychelles", "Sierra Leone", "Singapore",
        "Slovakia", "Slovenia", "Solomon Islands", "Somalia", "South Africa", "South Korea", "South Sudan", "Spain",
        "Sri Lanka", "Sudan", "Suriname", "Sweden", "Switzerland", "Syria", "Taiwan", "Tajikistan", "Tanzania",
        "Thailand", "Togo", "Tonga", "Trinidad and Tobago", "Tunisia", "Turkey", "Türkiye", "Turkmenistan", "Tuvalu",
        "Uganda", "Ukraine", "United Arab Emirates", "United Kingdom", "United States", "United States of America",
        "Uruguay", "Uzbekistan", "Vanuatu", "Vatican City", "Venezuela", "Vietnam", "Wales", "England", "Yemen", "Zambia",
        "Zimbabwe", "USA", "UK", "UAE",
    ];

    private static readonly string[] Nationalities =
    [
        "Afghan", "Albanian", "Algerian", "American", "Andorran", "Angolan", "Argentine", "Argentinian", "Armenian",
        "Australian", "Austrian", "Azerbaijani", "Bahamian", "Bahraini", "Bangladeshi", "Barbadian", "Belarusian",
        "Belgian", "Belizean", "Belizian", "Beninese", "Bhutanese", "Bolivian", "Bosnian", "Brazilian", "British",
        "Bruneian", "Bulgarian", "Burmese", "Burundian", "Cambodian", "Cameroonian", "Canadian", "Chadian", "Chilean",
        "Chinese", "Colombian", "Congolese", "Croatian", "Cuban", "Cypriot", "Czech", "Danish", "Dominican", "Dutch",
        "Ecuadorian", "Ecuadorean", "Egyptian", "Emirati", "English", "Eritrean", "Estonian", "Ethiopian", "Fijian",
        "Filipino", "Finnish", "French", "Gabonese", "Gambian", "Georgian", "German", "Ghanaian", "Greek", "Greenlandic",
        "Grenadian", "Guatemalan", "Guinean", "Guyanese", "Haitian", "Honduran", "Hungarian", "Icelandic", "Indian",
        "Indonesian", "Iranian", "Iraqi", "Irish", "Israeli", "Italian", "Ivorian", "Jamaican", "Japanese", "Jordanian",
        "Kazakh", "Kenyan", "Korean", "Kosovar", "Kuwaiti", "Kyrgyz", "Lao", "Latvian", "Lebanese", "Liberian", "Libyan",
        "Lithuanian", "Luxembourgish", "Malagasy", "Malawian", "Malaysian", "Maldivian", "Malian", "Maltese", "Mauritanian",
        "Mauritian", "Mexican", "Moldovan", "Mongolian", "Montenegrin", "Moroccan", "Mozambican", "Namibian", "Nepalese",
        "Nepali", "Nicaraguan", "Nigerian", "Nigerien", "Norwegian", "Omani", "Pakistani", "Palestinian", "Panamanian",
        "Paraguayan", "Peruvian", "Polish", "Portuguese", "Qatari", "Romanian", "Russian", "Rwandan", "Salvadoran",
        "Saudi", "Scottish", "Senegalese", "Serbian", "Singaporean", "Slovak", "Slovenian", "Somali", "Spanish",
        "Sri Lankan", "Sudanese", "Surinamese", "Swedish", "Swiss", "Syrian", "Taiwanese", "Tajik", "Tanzanian", "Thai",
        "Togolese", "Tongan", "Tunisian", "Turkish", "Turkmen", "Ugandan", "Ukrainian", "Uruguayan", "Uzbek",
        "Venezuelan", "Vietnamese", "Welsh", "Yemeni", "Zambian", "Zimbabwean",
        "Muslim", "Christian", "Catholic", "Protestant", "Jewish", "Hindu", "Buddhist", "Sikh", "Mormon", "Orthodox",
        "Atheist", "Agnostic", "Democrat", "Republican",
    ];

    private static readonly HashSet<string> CountrySet = new(Names, StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string> NationalitySet = BuildNationalities();

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> CountryLookup = CountrySet.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> NationalityLookup = NationalitySet.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Longest country names first, so "United States of America" wins over "United States".</summary>
    public static IReadOnlyList<string> ByLength { get; } = [.. Names.OrderByDescending(n => n.Length)];

    public static bool IsCountry(ReadOnlySpan<char> name) => CountryLookup.Contains(name);

    /// <summary>"German", "Saudis", "Ecuadoreans", "Buddhist": nationality, religion or party words.</summary>
    public static bool IsNationality(ReadOnlySpan<char> word) => NationalityLookup.Contains(word);

    private static HashSet<string> BuildNationalities()
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var word in Nationalities)
        {
            set.Add(word);
            if (!word.EndsWith("ese", StringComparison.Ordinal) && !word.EndsWith("ish", StringComparison.Ordinal)
                && !word.EndsWith("ch", StringComparison.Ordinal) && !word.EndsWith("ss", StringComparison.Ordinal))
            {
                set.Add(word + "s");
            }
        }

        return set;
    }
}
