using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Parley.Server.Storage;

/// <summary>
/// Per-connection SQLite settings, applied once per physical connection (Microsoft.Data.Sqlite pools
/// them; EF opens a pooled one for each unit of work):
/// <list type="bullet">
/// <item>In WAL mode <c>synchronous=NORMAL</c> syncs at checkpoints instead of on every commit: a power
/// cut may lose the last transactions but never corrupts the database (SQLite's documented
/// trade-off), and chat turns stop waiting on the disk.</item>
/// <item><c>mmap_size</c> reads the database through memory mapping instead of a read() call and a copy
/// per page: full-text search walks many pages of the index per query.</item>
/// </list>
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    internal const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA mmap_size=268435456;";

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

    private static bool FirstUse(DbConnection connection)
        => connection is not SqliteConnection { Handle: { } handle } || Prepared.TryAdd(handle, Marker);
}
