using System.Globalization;
using System.Text.RegularExpressions;

namespace Parley.Engine.Entities;

/// <summary>
/// Order, account and ticket numbers: an identifier after a context word ("order 123-456",
/// "account no. 12345678", "ticket TCK-42"), a prefixed code on its own (ORD-2024-0001) or "#12345".
/// </summary>
internal static partial class ReferenceRecognizer
{
    public static void Find(string text, List<Candidate> into)
    {
        foreach (Match match in AfterContext().Matches(text))
        {
            var id = match.Groups["id"];
            var value = Normalise(id.ValueSpan);
            // "my order 2024" is a year, and "ticket 12 days ago" a count; "order #2024" or
            // "order number 2024" is explicit enough to keep.
            var explicitId = id.ValueSpan[0] == '#' || match.Groups["label"].Success;
            if (!explicitId && (value.Length < 3 || IsYear(value)))
            {
                continue;
            }

            var type = TypeOf(match.Groups["kind"].ValueSpan);
            into.Add(Candidate.Of(text, type, id.Index, id.Index + id.Length, value, explicitId ? 0.95 : 0.9));
        }

        foreach (Match match in PrefixedCode().Matches(text))
        {
            var type = TypeOf(match.Groups["prefix"].ValueSpan);
            into.Add(Candidate.Of(text, type, match.Index, match.Index + match.Length, Normalise(match.ValueSpan), 0.85));
        }

        foreach (var match in HashNumber().EnumerateMatches(text))
        {
            var value = Normalise(text.AsSpan(match.Index, match.Length));
            into.Add(Candidate.Of(text, EntityTypes.OrderNumber, match.Index, match.Index + match.Length, value, 0.6));
        }
    }

    private static string Normalise(ReadOnlySpan<char> id) => id.TrimStart('#').ToString().ToUpperInvariant();

    private static bool IsYear(string value) =>
        value.Length == 4 && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 1900 and <= 2099;

    private static string TypeOf(ReadOnlySpan<char> word) => word.ToString().ToLowerInvariant() switch
    {
        "account" or "acct" or "acc" or "a/c" => EntityTypes.AccountNumber,
        "ticket" or "tck" or "tkt" or "case" or "incident" or "inc" or "request" or "req" => EntityTypes.TicketNumber,
        _ => EntityTypes.OrderNumber,
    };

    // The identifier must hold a digit, so "order status" or "ticket system" never match. A card-like
    // 1234-5678-9012-3456 or 1234 5678 9012 3456 is one identifier.
    [GeneratedRegex("""
        \b(?<kind>order|purchase|po|ticket|case|incident|request|account|acct|a/c)s?\b
        (?:\s*(?<label>number|num|no|nr|id|ref|reference)\b\.?)?
        (?:\s*(?:is|was|:|=))?\s*
        (?<id>
          [0-9]{4}(?:[ -][0-9]{4}){2,3}
        | \#?(?=[A-Z0-9-]*[0-9])[A-Z0-9]+(?:[-/][A-Z0-9]+)*
        )
        (?![\w-])
        """, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.IgnorePatternWhitespace | RegexOptions.ExplicitCapture)]
    private static partial Regex AfterContext();

    [GeneratedRegex(@"\b(?<prefix>ORD|ORDER|PO|TCK|TKT|TICKET|INC|CASE|REQ|ACC|ACCT)[-_]?[0-9][0-9A-Z]*(?:-[0-9A-Z]+)*\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex PrefixedCode();

    [GeneratedRegex(@"(?<![\w#])#[0-9]{3,}(?:-[0-9]+)*\b", RegexOptions.CultureInvariant)]
    private static partial Regex HashNumber();
}
