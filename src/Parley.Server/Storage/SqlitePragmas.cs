using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Parley.Server.Storage;

/// <summary>
/// Per-connection SQLite settings, applied once per physical connection (Microsoft.Data.Sqlite pools
/// them; EF opens a pooled one for each unit of work):
/// <list type="bullet">
/// <item>In WAL mode <c>synchronous=NORMAL</c> syncs at checkpoints instead of on every commit: a power
/// cut may lose the last transactions but never corrupts the database (SQLite's documented
/// trade-off), and chat turns stop waiting on the disk.</item>
/// <item><c>mmap_size=0</c>: no memory map by default. In WAL mode a connection that starts reading
/// after another connection committed drops its page cache and unmaps the whole file; under a stream
/// of chat turns (a commit every few milliseconds) every pooled connection unmapped and re-mapped
/// the file continually (30 times a second in an strace of bench/chat.sh, 2% of the CPU in munmap
/// alone plus the page faults after; turns/s rose about 10% without the map). Full-text search,
/// which walks many index pages per query, reads through read-only connections that keep a map
/// (<see cref="ReadThroughMapAsync"/>): at 100,000 chunks p50 was 7.9 ms without a map, 16 ms
/// mapping the file anew for each search, 2.5 ms with the kept map.</item>
/// </list>
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    internal const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA mmap_size=0;";

    private const string MapSize = "PRAGMA mmap_size=268435456;";

    /// <summary>Physical connections already set up (weak: a handle closed by the pool drops out).</summary>
    private static readonly ConditionalWeakTable<object, object> Prepared = [];
    private static readonly object Marker = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (FirstUse(connection))
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (FirstUse(connection))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static readonly ConcurrentDictionary<string, string> ReaderStrings = new();

    /// <summary>
    /// Until the result is disposed, <paramref name="db"/> (SQLite; null for PostgreSQL) reads through
    /// a read-only connection that keeps a memory map. Read-only connections are a pool of their own
    /// (Microsoft.Data.Sqlite pools by connection string), so their maps last between searches while
    /// every other connection has none.
    /// </summary>
    public static async Task<IAsyncDisposable?> ReadThroughMapAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
        {
            return null;
        }

        var connectionString = db.Database.GetConnectionString()!;
        var readOnly = ReaderStrings.GetOrAdd(connectionString, static s => new SqliteConnectionStringBuilder(s) { Mode = SqliteOpenMode.ReadOnly }.ToString());
        var connection = new SqliteConnection(readOnly);
        try
        {
            await connection.OpenAsync(cancellationToken);
            if (FirstUse(connection))
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA busy_timeout=30000; " + MapSize;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        db.Database.SetDbConnection(connection, contextOwnsConnection: false);
        return new Restore(db, connectionString, connection);
    }

    private sealed class Restore(DbContext db, string connectionString, SqliteConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            db.Database.SetDbConnection(null);
            db.Database.SetConnectionString(connectionString);
            await connection.DisposeAsync();
        }
    }

    /// <summary>Opens a connection that Parley keeps open for one job (the group-commit writer, the row readers), with the pragmas set.</summary>
    internal static SqliteConnection OpenDedicated(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return connection;
    }

    private static bool FirstUse(DbConnection connection)
        => connection is not SqliteConnection { Handle: { } handle } || Prepared.TryAdd(handle, Marker);
}
