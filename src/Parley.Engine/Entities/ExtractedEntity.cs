using System.Text.Json.Serialization;

namespace Parley.Engine.Entities;

/// <summary>
/// One entity found in a message. <see cref="Start"/> and <see cref="End"/> are character offsets
/// into the original text (end exclusive), so <c>text[Start..End] == Text</c>.
/// </summary>
/// <param name="Value">
/// The normalised value: ISO 8601 strings for dates (2024-01-15), times (15:30:00) and datetimes
/// (2024-01-15T15:30:00, with an offset only when the text gave one: a resolved "tomorrow at 3pm" is wall-clock
/// time in the offset of "now"), <see cref="Money"/> for amounts, <see cref="decimal"/> for numbers and
/// percentages (15% is 15), the canonical value for lookup lists, and strings otherwise.
/// </param>
public sealed record ExtractedEntity(string Type, string Text, object? Value, int Start, int End, double Confidence);

/// <summary>A normalised amount of money; <see cref="Currency"/> is an ISO 4217 code.</summary>
// Explicit names so the CLI's default serializer and the server's snake_case one write the same object.
public sealed record Money(
    [property: JsonPropertyName("amount")] decimal Amount,
    [property: JsonPropertyName("currency")] string Currency);

/// <summary>The built-in entity types. Lookup lists add their own type names.</summary>
public static class EntityTypes
{
    public const string Email = "email";
    public const string Phone = "phone";
    public const string Url = "url";
    public const string Date = "date";
    public const string Time = "time";
    public const string DateTime = "datetime";
    public const string Amount = "amount";
    public const string Percentage = "percentage";
    public const string Number = "number";
    public const string OrderNumber = "order_number";
    public const string AccountNumber = "account_number";
    public const string TicketNumber = "ticket_number";
}
