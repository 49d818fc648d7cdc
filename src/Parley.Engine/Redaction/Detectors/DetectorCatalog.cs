namespace Parley.Engine.Redaction.Detectors;

/// <summary>The built-in detectors, one per type, so a disabled type costs nothing at run time.</summary>
internal static class DetectorCatalog
{
    private static readonly (string Type, IPiiDetector Detector)[] BuiltIn =
    [
        (PiiTypes.CreditCard, new CreditCardDetector()),
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

    public static IEnumerable<IPiiDetector> Create(IReadOnlySet<string> enabledTypes) =>
        BuiltIn.Where(d => enabledTypes.Contains(d.Type)).Select(d => d.Detector);
}
