using Parley.Engine.Entities;
using Parley.Server.Infrastructure.Errors;

namespace Parley.Server.Understanding;

/// <summary>
/// A lookup list. Entries come as <c>entries: [{value, synonyms}]</c>, or as <c>values: [...]</c> with an
/// optional <c>synonyms: {value: [...]}</c> map; both shapes may be mixed and are answered together.
/// </summary>
public sealed record LookupRequest(
    string? Name,
    string? Description,
    IReadOnlyList<LookupEntryJson?>? Entries,
    IReadOnlyList<string?>? Values,
    IReadOnlyDictionary<string, IReadOnlyList<string?>?>? Synonyms)
{
    public const int MaxNameLength = 64;
    public const int MaxPhraseLength = 200;

    private static readonly HashSet<string> BuiltInTypes =
    [
        EntityTypes.Email, EntityTypes.Phone, EntityTypes.Url, EntityTypes.Date, EntityTypes.Time, EntityTypes.DateTime,
        EntityTypes.Amount, EntityTypes.Percentage, EntityTypes.Number, EntityTypes.OrderNumber, EntityTypes.AccountNumber, EntityTypes.TicketNumber,
    ];

    public List<LookupEntryJson> AllEntries()
    {
        var entries = new List<LookupEntryJson>();
        foreach (var entry in Entries ?? [])
        {
            entries.Add(new LookupEntryJson(entry!.Value.Trim(), (entry.Synonyms ?? []).Select(s => s.Trim()).Distinct().ToList()));
        }

        foreach (var value in Values ?? [])
        {
            var synonyms = Synonyms?.GetValueOrDefault(value!) ?? [];
            entries.Add(new LookupEntryJson(value!.Trim(), synonyms.Select(s => s!.Trim()).Distinct().ToList()));
        }

        return entries;
    }

    public List<FieldError> Check(UnderstandingOptions limits, bool requireName)
    {
        var errors = new List<FieldError>();
        if (Name is null ? requireName : !IsName(Name.Trim()))
        {
            errors.Add(new FieldError("name", $"Required: 1 to {MaxNameLength} lowercase letters, digits or '_', starting with a letter."));
        }
        else if (Name is not null && BuiltInTypes.Contains(Name.Trim()))
        {
            errors.Add(new FieldError("name", $"'{Name}' is a built-in entity type."));
        }

        if (Description is { Length: > 500 })
        {
            errors.Add(new FieldError("description", "At most 500 characters."));
        }

        var count = (Entries?.Count ?? 0) + (Values?.Count ?? 0);
        if (count == 0)
        {
            errors.Add(new FieldError("entries", "Give at least one entry (entries or values)."));
        }
        else if (count > limits.MaxLookupEntries)
        {
            errors.Add(new FieldError("entries", $"At most {limits.MaxLookupEntries} entries."));
        }

        if (Entries is not null && Entries.Any(e => e is null || !IsPhrase(e.Value) || (e.Synonyms ?? []).Any(s => !IsPhrase(s))))
        {
            errors.Add(new FieldError("entries", $"Every value and synonym needs 1 to {MaxPhraseLength} characters with a letter or digit."));
        }

        if (Values is not null && Values.Any(v => !IsPhrase(v)))
        {
            errors.Add(new FieldError("values", $"Every value needs 1 to {MaxPhraseLength} characters with a letter or digit."));
        }

        if (Synonyms is not null && (Synonyms.Any(kv => Values is null || !Values.Contains(kv.Key)) || Synonyms.Values.Any(list => (list ?? []).Any(s => !IsPhrase(s)))))
        {
            errors.Add(new FieldError("synonyms", "Keys must be listed in values; synonyms need 1 to 200 characters with a letter or digit."));
        }

        var phrases = Entries?.Sum(e => 1 + (e?.Synonyms?.Count ?? 0)) + Values?.Count + Synonyms?.Values.Sum(s => s?.Count ?? 0);
        if (phrases > limits.MaxLookupEntries * 10)
        {
            errors.Add(new FieldError("entries", $"At most {limits.MaxLookupEntries * 10} values and synonyms in all."));
        }

        return errors;
    }

    private static bool IsName(string name)
        => name.Length is > 0 and <= MaxNameLength && char.IsAsciiLetterLower(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');

    private static bool IsPhrase(string? phrase)
        => phrase is not null && phrase.Trim().Length is > 0 and <= MaxPhraseLength && phrase.Any(char.IsLetterOrDigit);
}

public sealed record LookupView(
    Guid Id,
    string Name,
    string? Description,
    IReadOnlyList<LookupEntryJson> Entries,
    IReadOnlyList<string> Values,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Synonyms,
    int EntryCount,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public static LookupView From(EntityLookup lookup)
    {
        var entries = LookupEntries.Read(lookup.Entries).Select(e => new LookupEntryJson(e.Value, e.Synonyms)).ToList();
        var synonyms = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            synonyms.TryAdd(entry.Value, entry.Synonyms ?? []);
        }

        return new LookupView(lookup.Id, lookup.Name, lookup.Description, entries, entries.Select(e => e.Value).ToList(), synonyms,
            entries.Count, lookup.CreatedAt, lookup.UpdatedAt);
    }
}
