namespace Parley.Engine.Entities;

/// <summary>
/// A possible entity before overlaps are resolved. <see cref="Rank"/> says how specific the type is,
/// which decides between candidates of equal length.
/// </summary>
internal readonly record struct Candidate(ExtractedEntity Entity, int Rank)
{
    public int Length => Entity.End - Entity.Start;

    public static Candidate Of(string text, string type, int start, int end, object? value, double confidence) =>
        new(new ExtractedEntity(type, text[start..end], value, start, end, confidence), RankOf(type));

    // Equal spans: a date is more specific than a reference or a phone that reads the same digits,
    // a context-backed reference more than a phone, and a tenant's own list more than anything generic.
    private static int RankOf(string type) => type switch
    {
        EntityTypes.Email => 80,
        EntityTypes.Url => 70,
        EntityTypes.DateTime => 65,
        EntityTypes.Date => 60,
        EntityTypes.Time => 55,
        EntityTypes.Amount => 50,
        EntityTypes.Percentage => 45,
        EntityTypes.OrderNumber or EntityTypes.AccountNumber or EntityTypes.TicketNumber => 40,
        EntityTypes.Phone => 30,
        EntityTypes.Number => 0,
        _ => 90,
    };
}
