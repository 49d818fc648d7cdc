namespace Parley.Engine.Redaction;

/// <summary>
/// Entity type names. Internally Parley uses Presidio's names, so spans can be compared with
/// Presidio's recognizers and evaluation data without translation; <see cref="ToApiName"/> gives the
/// short names of the HeliosCS API (the HeliosCS document: <c>ssn</c>, <c>account_number</c>, <c>email</c>, <c>phone</c>).
/// </summary>
public static class PiiTypes
{
    public const string CreditCard = "CREDIT_CARD";
    public const string UsSsn = "US_SSN";
    public const string IbanCode = "IBAN_CODE";
    public const string EmailAddress = "EMAIL_ADDRESS";
    public const string PhoneNumber = "PHONE_NUMBER";

    /// <summary>Presidio's name for bank account numbers; the HeliosCS document calls it <c>account_number</c>.</summary>
    public const string AccountNumber = "US_BANK_NUMBER";
    public const string IpAddress = "IP_ADDRESS";
    public const string UsDriverLicense = "US_DRIVER_LICENSE";
    public const string DateTime = "DATE_TIME";
    public const string ZipCode = "ZIP_CODE";
    public const string Url = "URL";
    public const string StreetAddress = "STREET_ADDRESS";
    public const string Age = "AGE";
    public const string Title = "TITLE";
    public const string Person = "PERSON";
    public const string Location = "LOCATION";

    /// <summary>A company or other organisation by name (found by the learned tagger only).</summary>
    public const string Organization = "ORGANIZATION";

    /// <summary>Nationality, religious or political group.</summary>
    public const string Nrp = "NRP";

    /// <summary>A passport number the customer labels as one (any country: the formats overlap too much to tell).</summary>
    public const string Passport = "PASSPORT";

    /// <summary>
    /// A date the customer labels as their birth date ("DOB", "born on"). Its own type, not DATE_TIME, because
    /// conversations keep ordinary dates by default and a birth date is an identifier.
    /// </summary>
    public const string DateOfBirth = "DATE_OF_BIRTH";

    public static IReadOnlyList<string> All { get; } =
    [
        CreditCard, UsSsn, IbanCode, EmailAddress, PhoneNumber, AccountNumber, IpAddress, UsDriverLicense,
        DateTime, ZipCode, Url, StreetAddress, Age, Title, Person, Location, Nrp, Passport, DateOfBirth, Organization,
    ];

    /// <summary>
    /// What a redactor without <see cref="RedactionOptions.EnabledTypes"/> looks for: every type but
    /// <see cref="Organization"/>, which is opt-in because the companies customers name are mostly the
    /// products and businesses they ask about, not personal data.
    /// </summary>
    public static IReadOnlyList<string> OnByDefault { get; } = [.. All.Where(t => t != Organization)];

    private static readonly Dictionary<string, string> ApiNames = new(StringComparer.Ordinal)
    {
        [CreditCard] = "credit_card",
        [UsSsn] = "ssn",
        [IbanCode] = "iban",
        [EmailAddress] = "email",
        [PhoneNumber] = "phone",
        [AccountNumber] = "account_number",
        [IpAddress] = "ip_address",
        [UsDriverLicense] = "driver_license",
        [DateTime] = "date_time",
        [ZipCode] = "zip_code",
        [Url] = "url",
        [StreetAddress] = "address",
        [Age] = "age",
        [Title] = "title",
        [Person] = "person",
        [Location] = "location",
        [Nrp] = "nationality",
        [Passport] = "passport",
        [DateOfBirth] = "date_of_birth",
        [Organization] = "organization",
    };

    private static readonly Dictionary<string, string> FromAnyName = BuildReverse();

    /// <summary>The HeliosCS style name (<c>ssn</c>, <c>account_number</c>, ...).</summary>
    public static string ToApiName(string type) =>
        ApiNames.TryGetValue(type, out var name) ? name : type.ToLowerInvariant();

    /// <summary>
    /// Accepts either naming (case-insensitive, plus a few common aliases) so tenant settings can say
    /// <c>ssn</c> or <c>US_SSN</c>; returns null for a name Parley does not know.
    /// </summary>
    public static string? Normalize(string name) =>
        FromAnyName.TryGetValue(name.Trim(), out var type) ? type : null;

    private static Dictionary<string, string> BuildReverse()
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (type, api) in ApiNames)
        {
            map[type] = type;
            map[api] = type;
        }

        map["DOMAIN_NAME"] = Url;
        map["GPE"] = Location;
        map["bank_account"] = AccountNumber;
        map["email_address"] = EmailAddress;
        map["phone_number"] = PhoneNumber;
        map["US_PASSPORT"] = Passport;
        map["passport_number"] = Passport;
        map["dob"] = DateOfBirth;
        map["ORG"] = Organization;
        return map;
    }
}
