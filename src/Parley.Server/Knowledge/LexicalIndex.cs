using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Parley.Server.Knowledge;

/// <summary>A chunk found by full-text search with its engine score (higher is better).</summary>
public sealed record LexicalHit(Guid ChunkId, Guid SourceId, double Score);

/// <summary>
/// BM25 over SQLite FTS5 (Porter stemming, unicode61) or PostgreSQL full-text search (english
/// configuration, GIN index, ts_rank_cd). Always inside one tenant; optionally some categories and a
/// set of sources. Scores are mapped to a 0-1 strength so both engines feed the same confidence.
/// </summary>
public static class LexicalIndex
{
    public static async Task<List<LexicalHit>> SearchAsync(
        DbContext db, Guid tenantId, string queryText, IReadOnlyList<string[]> terms, IReadOnlyCollection<string>? categories, IReadOnlyCollection<Guid>? sources, int limit, CancellationToken cancellationToken)
    {
        var postgres = db.Database.IsNpgsql();
        var match = postgres ? TextAnalysis.TsQuery(terms) : TextAnalysis.Fts5Match(terms);
        var codes = postgres ? TextAnalysis.Codes(queryText) : [];
        if ((match is null && codes.Count == 0) || sources is { Count: 0 } || categories is { Count: 0 })
        {
            return [];
        }

        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        await using var command = connection.CreateCommand();
        var filters = "";
        if (categories is not null)
        {
            filters += $" AND c.category IN ({string.Join(", ", categories.Select((_, i) => "@category" + i))})";
            var n = 0;
            foreach (var category in categories)
            {
                Add(command, "category" + n++, category);
            }
        }

        if (sources is not null)
        {
            var names = sources.Select((s, i) => "@s" + i).ToList();
            filters += $" AND c.source_id IN ({string.Join(", ", names)})";
            var i = 0;
            foreach (var source in sources)
            {
                Add(command, "s" + i++, postgres ? source : SqliteGuid(source));
            }
        }

        var tsquery = match is null ? "" : "to_tsquery('english', @match)";
        for (var n = 0; n < codes.Count; n++)
        {
            tsquery += (tsquery.Length > 0 ? " || " : "") + $"phraseto_tsquery('english', @code{n})";
            Add(command, "code" + n, codes[n]);
        }

        // SQLite: FTS5 ranks first (its own top rows, no join), then the tenant and filters apply.
        // The tenant's best rows are among the index's best whenever enough of them survive the
        // filter; when fewer do (a small tenant beside big ones, narrow filters) the exact query runs.
        var exact = postgres
            ? $"""
               SELECT c.id, c.source_id, ts_rank_cd(c.tsv, query.q) AS rank
               FROM knowledge_chunks c, (SELECT {tsquery} AS q) query
               WHERE c.tenant_id = @tenant AND c.tsv @@ query.q{filters}
               ORDER BY rank DESC, c.id LIMIT @limit
               """
            : $"""
               SELECT c.id, c.source_id, bm25(knowledge_fts, 2.0, 1.0) AS rank
               FROM knowledge_fts JOIN knowledge_chunks c ON c.seq = knowledge_fts.rowid
               WHERE knowledge_fts MATCH @match AND c.tenant_id = @tenant{filters}
               ORDER BY rank LIMIT @limit
               """;
        if (match is not null)
        {
            Add(command, "match", match);
        }

        Add(command, "tenant", postgres ? tenantId : SqliteGuid(tenantId));
        Add(command, "limit", limit);
        if (!postgres)
        {
            command.CommandText = $"""
               SELECT c.id, c.source_id, f.rank
               FROM (SELECT rowid, bm25(knowledge_fts, 2.0, 1.0) AS rank FROM knowledge_fts
                     WHERE knowledge_fts MATCH @match ORDER BY rank LIMIT @fetch) f
               JOIN knowledge_chunks c ON c.seq = f.rowid
               WHERE c.tenant_id = @tenant{filters}
               ORDER BY f.rank LIMIT @limit
               """;
            Add(command, "fetch", limit * 4);
            var top = await ReadAsync(command, postgres, cancellationToken);
            if (top.Count >= limit)
            {
                return top;
            }
        }

        command.CommandText = exact;
        return await ReadAsync(command, postgres, cancellationToken);
    }

    /// <summary>The tenant's chunk count and the sum of their lengths in words between spaces (<see cref="TenantBm25.Length"/>).</summary>
    public static async Task<(int Documents, double TotalLength)> TotalsAsync(DbContext db, Guid tenantId, CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync(db, cancellationToken);
        command.CommandText = """
            SELECT count(*), coalesce(sum(length(coalesce(title, '')) - length(replace(coalesce(title, ''), ' ', '')) + 1
                                        + length(text) - length(replace(text, ' ', '')) + 1), 0)
            FROM knowledge_chunks WHERE tenant_id = @tenant
            """;
        Add(command, "tenant", db.Database.IsNpgsql() ? tenantId : SqliteGuid(tenantId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToDouble(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>How many of the tenant's chunks the engine matches for one query term (a word, or a code's words as a phrase).</summary>
    public static async Task<int> DocumentFrequencyAsync(DbContext db, Guid tenantId, string[] term, CancellationToken cancellationToken)
    {
        var postgres = db.Database.IsNpgsql();
        await using var command = await CommandAsync(db, cancellationToken);
        command.CommandText = postgres
            ? $"SELECT count(*) FROM knowledge_chunks c WHERE c.tenant_id = @tenant AND c.tsv @@ {(term.Length == 1 ? "to_tsquery" : "phraseto_tsquery")}('english', @match)"
            : "SELECT count(*) FROM knowledge_fts JOIN knowledge_chunks c ON c.seq = knowledge_fts.rowid WHERE knowledge_fts MATCH @match AND c.tenant_id = @tenant";
        Add(command, "match", postgres ? string.Join(' ', term) : TextAnalysis.Fts5Match([term])!);
        Add(command, "tenant", postgres ? tenantId : SqliteGuid(tenantId));
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<DbCommand> CommandAsync(DbContext db, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        return connection.CreateCommand();
    }

    private static async Task<List<LexicalHit>> ReadAsync(DbCommand command, bool postgres, CancellationToken cancellationToken)
    {
        var hits = new List<LexicalHit>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var raw = Convert.ToDouble(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture);
            hits.Add(new LexicalHit(ReadGuid(reader, 0), ReadGuid(reader, 1), postgres ? raw / (raw + 0.1) : -raw / (-raw + 5)));
        }

        return hits;
    }

    /// <summary>How EF Core stores a Guid in SQLite (upper-case text), for hand-written SQL.</summary>
    public static string SqliteGuid(Guid id) => id.ToString().ToUpperInvariant();

    private static Guid ReadGuid(DbDataReader reader, int ordinal)
        => reader.GetValue(ordinal) switch
        {
            Guid g => g,
            string s => Guid.Parse(s),
            var other => throw new InvalidOperationException($"Unexpected id type {other.GetType()}"),
        };

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        if (parameter is NpgsqlParameter && value is string)
        {
            ((NpgsqlParameter)parameter).NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text;
        }

        command.Parameters.Add(parameter);
    }
}
