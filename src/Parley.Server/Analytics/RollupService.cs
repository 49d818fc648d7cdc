using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;
using Parley.Server.ConversationModel;
using Parley.Server.Conversations;
using Parley.Server.Storage;

namespace Parley.Server.Analytics;

/// <summary>
/// Keeps the hourly/daily rollups in step with the raw tables. Each catch-up finds the days that
/// changed since the watermark (messages and feedback created, conversations updated, minus an
/// overlap for transactions that committed late), recomputes those whole days per tenant from the
/// raw rows (consecutive days in one pass, <see cref="RollupRecompute"/>), and moves the watermark.
/// Without a watermark it rebuilds every day. Recomputing is idempotent, so instances may race harmlessly;
/// on PostgreSQL a transaction-scoped advisory lock makes them take turns.
/// </summary>
public sealed class RollupService(IServiceScopeFactory scopes, TimeProvider clock, ILogger<RollupService> logger) : IDisposable
{
    private const long RollupLockKey = 7_274_253_903;
    // A month of days per recompute bounds the memory and the write transaction of a rebuild.
    private const int MaxRangeDays = 31;
    private static readonly TimeSpan Overlap = TimeSpan.FromMinutes(2);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DateTime _lastStarted = DateTime.MinValue;
    private DateTime? _ownWatermark;
    private long _generation;
    private readonly ConcurrentDictionary<(Guid? Tenant, DateTime From, DateTime To), (long Generation, long Count)> _activeUsers = new();

    /// <summary>
    /// Distinct active users of a window, remembered until the rollups change: a count over every
    /// user-day of the window is the one figure that cannot be summed (90 days are ~100,000 rows at
    /// a million messages). The generation moves whenever a catch-up here recomputed something or
    /// found the watermark moved by another instance.
    /// </summary>
    public async Task<long> ActiveUsersAsync(AnalyticsScope scope, Func<Task<long>> count)
    {
        var key = (scope.TenantId, scope.Start.Date, scope.End.TimeOfDay == TimeSpan.Zero ? scope.End.Date : scope.End.Date.AddDays(1));
        var generation = Interlocked.Read(ref _generation);
        if (_activeUsers.TryGetValue(key, out var known) && known.Generation == generation)
        {
            return known.Count;
        }

        var value = await count();
        if (_activeUsers.Count > 1000)
        {
            _activeUsers.Clear();
        }

        _activeUsers[key] = (generation, value);
        return value;
    }

    /// <summary>Brings the rollups up to date with every change committed before this call.</summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var requestedAt = clock.GetUtcNow().UtcDateTime;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // A catch-up that started after this request arrived has already seen its data.
            if (_lastStarted > requestedAt)
            {
                return;
            }

            _lastStarted = clock.GetUtcNow().UtcDateTime;
            await RunAsync(_lastStarted, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A failed catch-up must not fail the read: it answers from the rollups as they are,
            // and the next catch-up starts again from the unchanged watermark.
            logger.LogWarning(e, "Analytics rollup catch-up failed; answering from the current rollups");
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RunAsync(DateTime now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        var state = await db.Set<RollupState>().FirstOrDefaultAsync(s => s.Id == 1, cancellationToken);
        if (state?.Watermark != _ownWatermark)
        {
            Interlocked.Increment(ref _generation);
        }

        var dirty = state is null ? await EveryDayAsync(db, now, cancellationToken) : await ChangedDaysAsync(db, state.Watermark - Overlap, cancellationToken);
        try
        {
            foreach (var (tenant, from, to) in Ranges(dirty))
            {
                await RecomputeAsync(tenant, from, to, cancellationToken);
            }
        }
        finally
        {
            // Also after a failure part-way: figures remembered while ranges were rewritten are stale.
            if (dirty.Count > 0)
            {
                Interlocked.Increment(ref _generation);
            }
        }

        if (state is null)
        {
            db.Set<RollupState>().Add(new RollupState { Id = 1, Watermark = now });
            if (db.Database.IsSqlite())
            {
                // After a rebuild the tables may have grown a lot: fresh planner statistics (cheap when little changed).
                await db.Database.ExecuteSqlRawAsync("PRAGMA optimize=0x10002;", cancellationToken);
            }
        }
        else if (dirty.Count > 0 || now - state.Watermark > Overlap / 2)
        {
            state.Watermark = now;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            _ownWatermark = state?.Watermark ?? now;
        }
        catch (DbUpdateException e)
        {
            // Another instance wrote the first watermark at the same moment; its catch-up covers ours.
            logger.LogDebug(e, "Rollup watermark written concurrently");
        }
    }

    /// <summary>
    /// The (tenant, day)s whose figures may have changed since <paramref name="since"/>: the days of
    /// new messages and ratings, and the creation day of every conversation that was updated or got
    /// a new message or rating (conversation figures are counted on the day it was created).
    /// </summary>
    private static async Task<HashSet<(Guid Tenant, DateTime Day)>> ChangedDaysAsync(ParleyDb db, DateTime since, CancellationToken cancellationToken)
    {
        var dirty = new HashSet<(Guid Tenant, DateTime Day)>();
        var conversations = db.Conversations.IgnoreQueryFilters();
        foreach (var d in await db.Messages.IgnoreQueryFilters().Where(m => m.CreatedAt >= since)
            .Join(conversations, m => m.ConversationId, c => c.Id, (m, c) => new { m.TenantId, m.CreatedAt.Year, m.CreatedAt.Month, m.CreatedAt.Day, C = c.CreatedAt.Date })
            .Distinct().ToListAsync(cancellationToken))
        {
            dirty.Add((d.TenantId, Day(d.Year, d.Month, d.Day)));
            dirty.Add((d.TenantId, Day(d.C.Year, d.C.Month, d.C.Day)));
        }

        foreach (var d in await conversations.Where(c => c.UpdatedAt >= since)
            .Select(c => new { c.TenantId, c.CreatedAt.Year, c.CreatedAt.Month, c.CreatedAt.Day }).Distinct().ToListAsync(cancellationToken))
        {
            dirty.Add((d.TenantId, Day(d.Year, d.Month, d.Day)));
        }

        foreach (var d in await db.MessageFeedback.IgnoreQueryFilters().Where(f => f.CreatedAt >= since)
            .Join(conversations, f => f.ConversationId, c => c.Id, (f, c) => new { f.TenantId, f.CreatedAt.Year, f.CreatedAt.Month, f.CreatedAt.Day, C = c.CreatedAt.Date })
            .Distinct().ToListAsync(cancellationToken))
        {
            dirty.Add((d.TenantId, Day(d.Year, d.Month, d.Day)));
            dirty.Add((d.TenantId, Day(d.C.Year, d.C.Month, d.C.Day)));
        }

        return dirty;
    }

    /// <summary>Without a watermark (a fresh install, or cleared after an import): every day of every tenant, from its first conversation to today.</summary>
    private static async Task<HashSet<(Guid Tenant, DateTime Day)>> EveryDayAsync(ParleyDb db, DateTime now, CancellationToken cancellationToken)
    {
        var dirty = new HashSet<(Guid Tenant, DateTime Day)>();
        foreach (var t in await db.Conversations.IgnoreQueryFilters().GroupBy(c => c.TenantId).Select(g => new { g.Key, First = g.Min(c => c.CreatedAt) }).ToListAsync(cancellationToken))
        {
            for (var day = Day(t.First.Year, t.First.Month, t.First.Day); day <= now; day = day.AddDays(1))
            {
                dirty.Add((t.Key, day));
            }
        }

        return dirty;
    }

    /// <summary>Consecutive days of a tenant become one range, at most <see cref="MaxRangeDays"/> long.</summary>
    internal static IEnumerable<(Guid Tenant, DateTime From, DateTime To)> Ranges(IEnumerable<(Guid Tenant, DateTime Day)> days)
    {
        foreach (var tenant in days.GroupBy(d => d.Tenant))
        {
            DateTime? from = null, to = null;
            foreach (var day in tenant.Select(d => d.Day).Order())
            {
                if (from is { } f && day == to && (day - f).TotalDays < MaxRangeDays)
                {
                    to = day.AddDays(1);
                    continue;
                }

                if (from is not null)
                {
                    yield return (tenant.Key, from.Value, to!.Value);
                }

                (from, to) = (day, day.AddDays(1));
            }

            if (from is not null)
            {
                yield return (tenant.Key, from.Value, to!.Value);
            }
        }
    }

    private static DateTime Day(int year, int month, int day) => new(year, month, day, 0, 0, 0, DateTimeKind.Utc);

    private async Task RecomputeAsync(Guid tenantId, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        using var acting = scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsTenant(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        await RollupRecompute.RunAsync(db, tenantId, from, to, RollupLockKey, cancellationToken);
    }

    public void Dispose() => _gate.Dispose();
}

/// <summary><c>Parley:Analytics</c>.</summary>
public sealed class AnalyticsOptions
{
    public const string Section = "Parley:Analytics";

    /// <summary>How often the rollup catches up in the background (reads also catch up first).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 3600)]
    public int RollupSeconds { get; set; } = 30;
}

/// <summary>Catches the rollups up periodically so reads seldom have work to do.</summary>
public sealed class RollupWorker(RollupService rollups, IOptionsMonitor<AnalyticsOptions> options, ILogger<RollupWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await rollups.CatchUpAsync(stoppingToken);
                await Task.Delay(TimeSpan.FromSeconds(options.CurrentValue.RollupSeconds), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Analytics rollup failed");
                await Task.Delay(TimeSpan.FromSeconds(options.CurrentValue.RollupSeconds), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
