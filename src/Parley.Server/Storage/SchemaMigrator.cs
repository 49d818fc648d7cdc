using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace Parley.Server.Storage;

/// <summary>
/// Applies the versioned SQL scripts under Storage/Migrations/{Sqlite,Postgres}/NNNN_name.sql in
/// order, each in its own transaction, recording them in <c>schema_migrations</c>. Hand-written SQL
/// per engine because EF's design-time tooling cannot be installed here (docs/decisions/0002).
/// </summary>
public sealed class SchemaMigrator(ParleyDb db, ILogger<SchemaMigrator> logger)
{
    // Several instances starting at once against one PostgreSQL take turns on this lock.
    private const long PostgresLockKey = 7_274_253_901;

    public sealed record Migration(int Version, string Name, string Sql);

    public bool IsPostgres => db.Database.IsNpgsql();

    public IReadOnlyList<Migration> Available()
    {
        var folder = IsPostgres ? ".Postgres." : ".Sqlite.";
        var assembly = typeof(SchemaMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.Contains(".Storage.Migrations" + folder, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var file = n[(n.IndexOf(folder, StringComparison.Ordinal) + folder.Length)..^4];
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return new Migration(int.Parse(file[..4], CultureInfo.InvariantCulture), file[5..], reader.ReadToEnd());
            })
            .OrderBy(m => m.Version)
            .ToList();
    }

    public int LatestVersion => Available()[^1].Version;

    /// <summary>Applies pending migrations up to <paramref name="targetVersion"/> (all when null); returns the version reached.</summary>
    public async Task<int> MigrateAsync(int? targetVersion = null, CancellationToken cancellationToken = default)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (IsPostgres)
            {
                await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({PostgresLockKey})", cancellationToken);
            }

            await ExecuteAsync(connection, null, IsPostgres
                ? "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
                : "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')))", cancellationToken);

            // Every script not yet recorded runs, also one numbered below the newest applied (branches
            // developed side by side number their scripts independently).
            var applied = await AppliedVersionsAsync(connection, cancellationToken);
            var current = applied.Count == 0 ? 0 : applied.Max();
            foreach (var migration in Available().Where(m => !applied.Contains(m.Version) && (targetVersion is null || m.Version <= targetVersion)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
                await ExecuteAsync(connection, transaction, $"INSERT INTO schema_migrations (version, name) VALUES ({migration.Version}, '{migration.Name}')", cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Applied schema migration {Version} {Name}", migration.Version, migration.Name);
                current = Math.Max(current, migration.Version);
            }

            if (IsPostgres)
            {
                await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({PostgresLockKey})", cancellationToken);
            }

            return current;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public async Task<int> CurrentVersionAsync(CancellationToken cancellationToken = default)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var exists = connection.CreateCommand();
            exists.CommandText = IsPostgres
                ? "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
                : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
            return Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0
                ? 0
                : await CurrentVersionAsync(connection, cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<int> CurrentVersionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static async Task<HashSet<int>> AppliedVersionsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_migrations";
        var versions = new HashSet<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
