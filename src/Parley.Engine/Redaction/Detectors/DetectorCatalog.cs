using Parley.Engine.Redaction.Learned;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>How the learned tagger joins the rule-based detectors (compared by <c>eval pii --folds</c>).</summary>
internal enum LearnedMode
{
    /// <summary>Rules alone.</summary>
    Off,

    /// <summary>Tagger spans are the weakest candidates: they fill gaps the rules leave.</summary>
    Fill,

    /// <summary>Tagger spans outrank the rule heuristics for names, places and addresses, not the structured detectors.</summary>
    Prefer,

    /// <summary>The tagger alone for the types it knows; rules for every other type.</summary>
    Replace,

    /// <summary>As <see cref="Prefer"/> for places, addresses, postcodes and organisations; as <see cref="Fill"/> for people, where the rules' cues are more precise.</summary>
    Mixed,

    /// <summary>
    /// The product's combination: as <see cref="Mixed"/>, with the tagger's spans passed through
    /// <see cref="TaggerGuard"/> (labels, sentence ends, ordinary words, lone capitalised words) and giving way to
    /// an address block the rules read whole when its pieces would leave part of it behind.
    /// </summary>
    Guarded,
}

/// <summary>The built-in detectors, one per type, so a disabled type costs nothing at run time.</summary>
internal static class DetectorCatalog
{
    /// <summary>
    /// What <see cref="PiiRedactor"/> uses with the shipped tagger. <see cref="LearnedMode.Mixed"/> scores higher in
    /// cross-validation on half A but breaks product decisions the redaction tests hold (whole addresses as one
    /// span, product names and label words are not people); the guard keeps them (docs/quality.md).
    /// </summary>
    public const LearnedMode DefaultMode = LearnedMode.Guarded;

    private static readonly (string Type, IPiiDetector Detector)[] BuiltIn =
    [
        (PiiTypes.CreditCard, new CreditCardDetector()),
        (PiiTypes.CreditCard, new CardEndingDetector()),
        (PiiTypes.UsSsn, new UsSsnDetector()),
        (PiiTypes.IbanCode, new IbanDetector()),
        (PiiTypes.EmailAddress, new EmailDetector()),
        (PiiTypes.PhoneNumber, new PhoneNumberDetector()),
        (PiiTypes.AccountNumber, new AccountNumberDetector()),
        (PiiTypes.IpAddress, new IpAddressDetector()),
        (PiiTypes.UsDriverLicense, new DriverLicenseDetector()),
        (PiiTypes.DateTime, new DateTimeDetector()),
        (PiiTypes.ZipCode, new ZipCodeDetector()),
        (PiiTypes.Url, new UrlDetector()),
        (PiiTypes.StreetAddress, new StreetAddressDetector()),
        (PiiTypes.Age, new AgeDetector()),
        (PiiTypes.Title, new TitleDetector()),
        (PiiTypes.Person, new PersonDetector()),
        (PiiTypes.Location, new LocationDetector()),
        (PiiTypes.Nrp, new NrpDetector()),
        (PiiTypes.Passport, new PassportDetector()),
        (PiiTypes.DateOfBirth, new DateOfBirthDetector()),
    ];

    private static int Priority(LearnedMode mode, string type) =>
        mode == LearnedMode.Fill || (mode is LearnedMode.Mixed or LearnedMode.Guarded && type == PiiTypes.Person) ? PiiPriority.Guess - 1 : PiiPriority.Heuristic + 5;

    public static IEnumerable<IPiiDetector> Create(IReadOnlySet<string> enabledTypes) =>
        Create(enabledTypes, EntityTagger.Shipped, DefaultMode);

    public static IEnumerable<IPiiDetector> Create(IReadOnlySet<string> enabledTypes, EntityTagger? tagger, LearnedMode mode, TaggerGate? gate = null)
    {
        if (tagger is null || mode == LearnedMode.Off)
        {
            return BuiltIn.Where(d => enabledTypes.Contains(d.Type)).Select(d => d.Detector);
        }

        var learned = tagger.Types.ToHashSet(StringComparer.Ordinal);
        var rules = BuiltIn.Where(d => enabledTypes.Contains(d.Type) && (mode != LearnedMode.Replace || !learned.Contains(d.Type)));
        return [.. rules.Select(d => d.Detector), new LearnedEntityDetector(tagger, enabledTypes, type => Priority(mode, type), mode == LearnedMode.Guarded, gate ?? TaggerGate.Shipped)];
    }
}
