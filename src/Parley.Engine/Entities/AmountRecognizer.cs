using System.Globalization;
using System.Text.RegularExpressions;

namespace Parley.Engine.Entities;

/// <summary>Amounts of money ($25, 25 USD, €1,299.50, 1.299,50 EUR, 20 dollars), percentages and plain numbers.</summary>
internal static partial class AmountRecognizer
{
    public static void Find(string text, EntityExtractionOptions options, List<Candidate> into)
    {
        foreach (Match match in CurrencyFirst().Matches(text))
        {
            AddAmount(text, match, options, 0.95, into);
        }

        foreach (Match match in CurrencyAfter().Matches(text))
        {
            AddAmount(text, match, options, match.Groups["word"].Success ? 0.85 : 0.9, into);
        }

        foreach (Match match in Percentage().Matches(text))
        {
            if (TryParse(match.Groups["number"].ValueSpan, ',', '.', out var percent))
            {
                into.Add(Candidate.Of(text, EntityTypes.Percentage, match.Index, match.Index + match.Length, percent, 0.95));
            }
        }

        if (!options.IncludeNumbers)
        {
            return;
        }

        foreach (var match in PlainNumber().EnumerateMatches(text))
        {
            if (TryParse(text.AsSpan(match.Index, match.Length), ',', '.', out var number))
            {
                into.Add(Candidate.Of(text, EntityTypes.Number, match.Index, match.Index + match.Length, number, 0.6));
            }
        }
    }

    private static void AddAmount(string text, Match match, EntityExtractionOptions options, double confidence, List<Candidate> into)
    {
        var digits = match.Groups["number"].ValueSpan;
        var (thousands, decimals) = Separators(digits);
        if (TryParse(digits, thousands, decimals, out var amount))
        {
            var currency = CurrencyOf(match, options.DollarCurrency);
            into.Add(Candidate.Of(text, EntityTypes.Amount, match.Index, match.Index + match.Length, new Money(amount, currency), confidence));
        }
    }

    // Money is written both ways round (1,299.50 and 1.299,50): the last separator is the decimal one,
    // unless it is followed by exactly three digits and is the only one, when it groups thousands.
    private static (char Thousands, char Decimal) Separators(ReadOnlySpan<char> digits)
    {
        var last = digits.LastIndexOfAny(',', '.');
        if (last < 0)
        {
            return (',', '.');
        }

        var separator = digits[last];
        var other = separator == ',' ? '.' : ',';
        var grouping = digits.IndexOf(other) < 0 && (digits.Length - last - 1 == 3 || digits.Count(separator) > 1);
        return grouping ? (separator, other) : (other, separator);
    }

    private static bool TryParse(ReadOnlySpan<char> digits, char thousands, char decimals, out decimal value)
    {
        Span<char> plain = stackalloc char[digits.Length];
        var length = 0;
        foreach (var c in digits)
        {
            if (c != thousands)
            {
                plain[length++] = c == decimals ? '.' : c;
            }
        }

        return decimal.TryParse(plain[..length], NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    private static string CurrencyOf(Match match, string dollar)
    {
        if (match.Groups["code"].Success)
        {
            return match.Groups["code"].Value.ToUpperInvariant();
        }

        var sign = match.Groups["symbol"].Success ? match.Groups["symbol"].Value : match.Groups["word"].Value.ToLowerInvariant();
        return sign switch
        {
            "US$" => "USD",
            "C$" or "CA$" => "CAD",
            "A$" or "AU$" => "AUD",
            "NZ$" => "NZD",
            "€" or "euro" or "euros" => "EUR",
            "£" => "GBP",
            "¥" or "yen" => "JPY",
            "₹" or "rupee" or "rupees" => "INR",
            _ when sign.StartsWith("pound", StringComparison.Ordinal) => "GBP",
            _ => dollar,
        };
    }

    private const string Symbol = @"(?<symbol>US\$|CA?\$|AU?\$|NZ\$|\$|€|£|¥|₹)";

    // Codes in capitals, except the few people also type in lower case: "try", "all" and "cup" are
    // words before they are currencies.
    private const string Code = "(?<code>USD|EUR|GBP|JPY|CNY|CAD|AUD|NZD|CHF|SEK|NOK|DKK|PLN|CZK|HUF|INR|BRL|MXN|ZAR|SGD|HKD|KRW|AED|SAR|ILS|(?i:usd|eur|gbp))";

    // "pounds" alone is as often a weight as money, so only "pounds sterling" counts.
    private const string Word = @"(?<word>(?i:dollars?|bucks|euros?|yen|rupees?|pounds?\s+sterling))";

    private const string Amount = "(?<number>[0-9]{1,3}(?:[,.][0-9]{3})+(?:[.,][0-9]{1,2})?|[0-9]+(?:[.,][0-9]{1,2})?)";

    [GeneratedRegex(@"(?<![\w$€£¥₹])(?:" + Symbol + "|" + Code + @"\b)\s?" + Amount + @"(?![\w]|[.,][0-9])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex CurrencyFirst();

    [GeneratedRegex(@"(?<![\w.,$€£¥₹])" + Amount + @"\s?(?:" + Symbol + "|" + Code + "|" + Word + @")(?!\w)",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex CurrencyAfter();

    [GeneratedRegex(@"(?<![\w.,])(?<number>-?[0-9]+(?:\.[0-9]+)?)\s?(?:%|(?i:per\s?cent|pct)\b)",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex Percentage();

    [GeneratedRegex(@"(?<![\w.,])(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?(?![\w]|[.,][0-9])",
        RegexOptions.CultureInvariant)]
    private static partial Regex PlainNumber();
}
