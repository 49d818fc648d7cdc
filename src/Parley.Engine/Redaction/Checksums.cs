namespace Parley.Engine.Redaction;

/// <summary>The arithmetic that separates real identifiers from look-alike digit runs.</summary>
internal static class Checksums
{
    /// <summary>Luhn (ISO/IEC 7812) over the digits of <paramref name="value"/>; other characters are ignored.</summary>
    public static bool IsLuhnValid(ReadOnlySpan<char> value)
    {
        var sum = 0;
        var count = 0;
        for (var i = value.Length - 1; i >= 0; i--)
        {
            if (!char.IsAsciiDigit(value[i]))
            {
                continue;
            }

            var digit = value[i] - '0';
            if (count % 2 == 1)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
            count++;
        }

        return count > 0 && sum % 10 == 0;
    }

    /// <summary>
    /// ISO 13616 / ISO 7064 mod-97-10: move the first four characters to the end, turn letters into
    /// 10..35 and the remainder of the number modulo 97 must be 1. Computed digit by digit because the
    /// number has up to 68 digits.
    /// </summary>
    public static bool IsIbanChecksumValid(ReadOnlySpan<char> compactIban)
    {
        if (compactIban.Length < 5)
        {
            return false;
        }

        var remainder = 0;
        for (var i = 0; i < compactIban.Length; i++)
        {
            var c = char.ToUpperInvariant(compactIban[(i + 4) % compactIban.Length]);
            if (char.IsAsciiDigit(c))
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                remainder = ((remainder * 100) + (c - 'A' + 10)) % 97;
            }
            else
            {
                return false;
            }
        }

        return remainder == 1;
    }

    /// <summary>
    /// The SSA's rules for numbers it never issues: area 000, 666 or 900-999, group 00, serial 0000,
    /// plus numbers famous for being published (Presidio rejects the same ones).
    /// </summary>
    public static bool IsPlausibleUsSsn(int area, int group, int serial, string digits)
    {
        if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0)
        {
            return false;
        }

        return digits is not ("123456789" or "078051120" or "219099999")
            && digits.AsSpan().IndexOfAnyExcept(digits[0]) >= 0;
    }

    public static int CountDigits(ReadOnlySpan<char> value)
    {
        var count = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                count++;
            }
        }

        return count;
    }

    public static string DigitsOf(ReadOnlySpan<char> value)
    {
        Span<char> buffer = value.Length <= 256 ? stackalloc char[value.Length] : new char[value.Length];
        var n = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                buffer[n++] = c;
            }
        }

        return new string(buffer[..n]);
    }
}
