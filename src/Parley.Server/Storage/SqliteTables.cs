using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Parley.Server.Storage;

/// <summary>What the SQLite row writer and row reader share about the tables they handle without EF's pipelines.</summary>
internal static class SqliteTables
{
    /// <summary>An entity mapped to one table of its own: no inheritance, no owned or complex parts.</summary>
    public static bool IsPlainTable(IEntityType type)
        => type.BaseType is null && !type.GetDirectlyDerivedTypes().Any() && !type.IsOwned() && !type.GetComplexProperties().Any() && type.GetTableName() is not null;

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
