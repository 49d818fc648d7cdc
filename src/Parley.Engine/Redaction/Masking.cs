namespace Parley.Engine.Redaction;

/// <summary>
/// Masked forms keep just enough for a person to recognise their own value (the last four digits of a
/// card, the first letter of an email) and never enough to use it: the shape of the original, with
/// separators, so <c>1234-5678-9012-3456</c> becomes <c>****-****-****-3456</c> as the HeliosCS document shows.
/// </summary>
internal static class Masking
{
    public static string Mask(string type, string value) => type switch
    {
        PiiTypes.CreditCard or PiiTypes.AccountNumber or PiiTypes.UsSsn => KeepLastDigits(value, 4),
        PiiTypes.IbanCode => MaskIban(value),
        PiiTypes.EmailAddress => MaskEmail(value),

        // Seven-digit local numbers would be half revealed by four digits.
        PiiTypes.PhoneNumber => KeepLastDigits(value, 2),
        PiiTypes.Person or PiiTypes.StreetAddress => KeepInitials(value),
        _ => MaskAll(value),
    };

    /// <summary>Every digit but the last <paramref name="keep"/> becomes '*'; letters too, separators stay.</summary>
    public static string KeepLastDigits(string value, int keep)
    {
        var digits = Checksums.CountDigits(value);
        var toMask = Math.Max(0, digits - keep);
        return string.Create(value.Length, (value, toMask), static (span, state) =>
        {
            var remaining = state.toMask;
            for (var i = 0; i < span.Length; i++)
            {
                var c = state.value[i];
                if (char.IsAsciiDigit(c) && remaining > 0)
                {
                    remaining--;
                    span[i] = '*';
                }
                else
                {
                    span[i] = char.IsLetter(c) ? '*' : c;
                }
            }
        });
    }

    /// <summary>The country code and the last four characters stay: <c>GB**************9137</c>.</summary>
    private static string MaskIban(string value)
    {
        var chars = value.ToCharArray();
        var seen = 0;
        var total = chars.Count(char.IsLetterOrDigit);
        for (var i = 0; i < chars.Length; i++)
        {
            if (!char.IsLetterOrDigit(chars[i]))
            {
                continue;
            }

            if (seen >= 2 && seen < total - 4)
            {
                chars[i] = '*';
            }

            seen++;
        }

        return new string(chars);
    }

    /// <summary><c>jane.doe@example.com</c> becomes <c>j***@example.com</c>: the domain is rarely personal.</summary>
    private static string MaskEmail(string value)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        return at <= 0 ? MaskAll(value) : string.Concat(value.AsSpan(0, 1), "***", value.AsSpan(at));
    }

    /// <summary><c>Jane Doe</c> becomes <c>J*** D**</c>.</summary>
    private static string KeepInitials(string value) =>
        string.Create(value.Length, value, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var c = source[i];
                var wordStart = i == 0 || !char.IsLetterOrDigit(source[i - 1]);
                span[i] = char.IsLetterOrDigit(c) && !wordStart ? '*' : c;
            }
        });

    private static string MaskAll(string value) =>
        string.Create(value.Length, value, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = char.IsLetterOrDigit(source[i]) ? '*' : source[i];
            }
        });
}
