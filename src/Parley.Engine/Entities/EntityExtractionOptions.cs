namespace Parley.Engine.Entities;

/// <summary>How <see cref="EntityExtractor"/> reads ambiguous text. Defaults work with no configuration.</summary>
public sealed record EntityExtractionOptions
{
    /// <summary>How to read numeric dates such as 03/04/2024 when both readings are valid.</summary>
    public DateOrder DateOrder { get; init; } = DateOrder.DayFirst;

    /// <summary>Whether plain numbers that no other type claims are returned as <c>number</c>.</summary>
    public bool IncludeNumbers { get; init; } = true;

    /// <summary>
    /// Country calling code (digits, e.g. "1" or "44") assumed for phone numbers written without "+",
    /// so they normalise to E.164. Null leaves such numbers as bare digits.
    /// </summary>
    public string? DefaultCallingCode { get; init; }

    /// <summary>ISO 4217 code that a bare "$" or "dollars" means.</summary>
    public string DollarCurrency { get; init; } = "USD";

    /// <summary>Tenant-defined lists: entity type name to its entries.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<LookupEntry>> Lookups { get; init; } =
        new Dictionary<string, IReadOnlyList<LookupEntry>>();

    /// <summary>Clock for relative dates when <see cref="EntityExtractor.Extract"/> is given no "now".</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>A canonical value of a lookup list and the other ways customers write it.</summary>
public sealed record LookupEntry(string Value, IReadOnlyList<string> Synonyms)
{
    public LookupEntry(string value, params string[] synonyms) : this(value, (IReadOnlyList<string>)synonyms)
    {
    }
}

public enum DateOrder
{
    /// <summary>15/01/2024 is 15 January.</summary>
    DayFirst,

    /// <summary>01/15/2024 is 15 January.</summary>
    MonthFirst,
}
