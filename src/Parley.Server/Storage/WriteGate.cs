using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Parley.Server.Storage;

/// <summary>
/// SQLite has one writer at a time. Two ways through it:
/// <list type="bullet">
/// <item><see cref="EnterAsync"/>: exclusive use for a write path that runs its own statements
/// (ingestion, job claims), so writers queue here instead of spinning on SQLITE_BUSY.</item>
/// <item><see cref="SaveAsync"/> (group commit): a unit of work joins whatever other units are
/// waiting, and one writer connection saves them all in one transaction, each inside its own
/// savepoint (EF makes one when a transaction is already open), so a unit that fails is rolled back
/// alone and the others still commit. A caller returns only after the commit: nothing is
/// acknowledged before it is stored. Under load one commit then carries many chat turns, which
/// is what lets SQLite keep up: the commit, its WAL pages and the checkpoints that copy them back
/// are paid per batch instead of per turn.</item>
/// </list>
/// On PostgreSQL both are plain pass-throughs: it has real concurrent writers.
/// </summary>
public sealed class WriteGate : IAsyncDisposable
{
    /// <summary>The most units of work one commit carries.</summary>
    internal const int MaxBatch = 64;

    private readonly SemaphoreSlim? _gate;
    private readonly Channel<PendingSave>? _saves;
    private readonly string? _connectionString;
    private readonly ILogger<WriteGate> _logger;
    private readonly Counter<long> _commitCount;
    private readonly Counter<long> _committedUnits;
    private long _commits;
    private long _rowWrites;
    private readonly Lock _start = new();
    private SqliteConnection? _writer;
    private readonly SqliteRowWriter _rows = new();
    private Task? _loop;

    public WriteGate(IOptions<DatabaseOptions> database, DataDirectory dataDirectory, IMeterFactory meters, ILogger<WriteGate> logger)
    {
        _logger = logger;
        var meter = meters.Create(Operations.Metrics.PrometheusMetrics.ParleyMeter);
        _commitCount = meter.CreateCounter<long>("parley.db.group_commits", description: "SQLite group commits (one transaction each).");
        _committedUnits = meter.CreateCounter<long>("parley.db.group_commit.units", description: "Units of work (chat turns) stored by SQLite group commits; divided by parley_db_group_commits_total, the mean batch.");
        if (!database.Value.IsPostgres)
        {
            _gate = new SemaphoreSlim(1, 1);
            _saves = Channel.CreateUnbounded<PendingSave>(new UnboundedChannelOptions { SingleReader = true });
            _connectionString = StorageSetup.SqliteConnectionString(database.Value, dataDirectory);
        }
    }

    /// <summary>Group commits made so far (SQLite).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Units of work the fast path (<see cref="SqliteRowWriter"/>) wrote instead of EF's SaveChanges (SQLite).</summary>
    public long RowWrites => Interlocked.Read(ref _rowWrites);

    public async ValueTask<IDisposable?> EnterAsync(CancellationToken cancellationToken)
    {
        if (_gate is null)
        {
            return null;
        }

        await _gate.WaitAsync(cancellationToken);
        return new Exit(_gate);
    }

    /// <summary>
    /// Saves everything <paramref name="db"/> tracks, like <c>SaveChangesAsync</c>, and returns once it
    /// is committed. The context must not be used by anyone else until this returns.
    /// </summary>
    public async Task SaveAsync(ParleyDb db)
    {
        if (_saves is null)
        {
            await db.SaveChangesAsync(CancellationToken.None);
            return;
        }

        if (db.Database.CurrentTransaction is not null || db.Database.GetDbConnection().State != System.Data.ConnectionState.Closed)
        {
            // A unit of work that holds its own connection or transaction saves on it, alone.
            using (await EnterAsync(CancellationToken.None))
            {
                await db.SaveChangesAsync(CancellationToken.None);
            }

            return;
        }

        // The change scan and the row plan are CPU work: they run here, in parallel, not inside the single writer.
        db.ChangeTracker.DetectChanges();
        var pending = new PendingSave(db, SqliteRowWriter.Plan(db));
        ObjectDisposedException.ThrowIf(!_saves.Writer.TryWrite(pending), this);

        StartLoop();
        try
        {
            await pending.Task;
        }
        catch
        {
            db.DropAfterSave();
            throw;
        }

        db.ChangeTracker.AcceptAllChanges();
        db.RunAfterSave();
    }

    private void StartLoop()
    {
        if (_loop is not null)
        {
            return;
        }

        lock (_start)
        {
            _loop ??= Task.Run(LoopAsync);
        }
    }

    private async Task LoopAsync()
    {
        var reader = _saves!.Reader;
        var batch = new List<PendingSave>(MaxBatch);
        // Ends when DisposeAsync completes the channel and everything queued before that is saved.
        while (await reader.WaitToReadAsync())
        {
            await _gate!.WaitAsync();
            try
            {
                // Taken after the gate: whoever arrived while the previous writer held it rides along.
                while (batch.Count < MaxBatch && reader.TryRead(out var next))
                {
                    batch.Add(next);
                }

                Commit(batch);
            }
            finally
            {
                _gate.Release();
                batch.Clear();
            }
        }
    }

    private void Commit(List<PendingSave> batch)
    {
        var saved = new List<PendingSave>(batch.Count);
        try
        {
            var writer = Writer();
            using var transaction = writer.BeginTransaction(deferred: false);
            foreach (var pending in batch)
            {
                try
                {
                    if (pending.Rows is { } rows)
                    {
                        _rows.WriteUnit(rows, writer, transaction);
                        Interlocked.Increment(ref _rowWrites);
                    }
                    else
                    {
                        SaveOn(pending.Db, writer, transaction);
                    }

                    saved.Add(pending);
                }
                catch (Exception e)
                {
                    // EF rolled this unit back to its savepoint; the rest of the batch goes on.
                    pending.Fail(e);
                }
            }

            transaction.Commit();
            Interlocked.Increment(ref _commits);
            _commitCount.Add(1);
            _committedUnits.Add(saved.Count);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "A group commit of {Count} units of work failed; none of them was stored", batch.Count);
            ResetWriter();
            foreach (var pending in batch)
            {
                pending.Fail(e);
            }

            return;
        }

        foreach (var pending in saved)
        {
            pending.Succeed();
        }
    }

    /// <summary>Runs the context's save on the shared writer connection, inside the open transaction, then gives it its own connection back.</summary>
    private void SaveOn(ParleyDb db, SqliteConnection writer, SqliteTransaction transaction)
    {
        var database = db.Database;
        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        database.SetDbConnection(writer, contextOwnsConnection: false);
        try
        {
            database.UseTransaction(transaction);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            // The batch has not committed yet: the caller runs the unit's after-save actions once it has.
            db.DeferAfterSave = true;
            db.SaveChanges(acceptAllChangesOnSuccess: false);
        }
        finally
        {
            db.DeferAfterSave = false;
            db.ChangeTracker.AutoDetectChangesEnabled = detect;
            database.UseTransaction(null);
            database.SetDbConnection(null);
            database.SetConnectionString(_connectionString);
        }
    }

    private SqliteConnection Writer()
    {
        if (_writer is { State: System.Data.ConnectionState.Open })
        {
            return _writer;
        }

        return _writer = SqlitePragmas.OpenDedicated(_connectionString!);
    }

    private void ResetWriter()
    {
        _rows.Dispose();
        _writer?.Dispose();
        _writer = null;
    }

    public async ValueTask DisposeAsync()
    {
        _saves?.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop;
        }

        ResetWriter();
        _gate?.Dispose();
    }

    private sealed class PendingSave(ParleyDb db, IReadOnlyList<SqliteRowWriter.Row>? rows)
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ParleyDb Db { get; } = db;

        /// <summary>The unit's rows when the fast path can write them; null when EF's SaveChanges must.</summary>
        public IReadOnlyList<SqliteRowWriter.Row>? Rows { get; } = rows;

        public Task Task => _done.Task;

        public void Succeed() => _done.TrySetResult();

        public void Fail(Exception e) => _done.TrySetException(e);
    }

    private sealed class Exit(SemaphoreSlim gate) : IDisposable
    {
        private SemaphoreSlim? _gate = gate;

        public void Dispose() => Interlocked.Exchange(ref _gate, null)?.Release();
    }
}
