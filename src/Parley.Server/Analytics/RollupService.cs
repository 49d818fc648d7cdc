using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;
using Parley.Server.Conversations;
using Parley.Server.Storage;

namespace Parley.Server.Analytics;

/// <summary>
/// Keeps the hourly/daily rollups in step with the raw tables. Each catch-up finds the days that
/// changed since the watermark (messages and feedback created, conversations updated, minus an
/// overlap for transactions that committed late), recomputes those whole days per tenant from the
/// raw rows, and moves the watermark. Recomputing is idempotent, so instances may race harmlessly;
/// on PostgreSQL a transaction-scoped advisory lock makes them take turns.
/// </summary>
public sealed class RollupService(IServiceScopeFactory scopes, TimeProvider clock, ILogger<RollupService> logger) : IDisposable
{
    private const long RollupLockKey = 7_274_253_903;
    private static readonly TimeSpan Overlap = TimeSpan.FromMinutes(2);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DateTime _lastStarted = DateTime.MinValue;

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
        var since = state is null ? DateTime.MinValue : state.Watermark - Overlap;

        var dirty = new HashSet<(Guid Tenant, DateTime Day)>();
        foreach (var d in await db.Messages.IgnoreQueryFilters().Where(m => m.CreatedAt >= since)
            .Select(m => new { m.TenantId, m.CreatedAt.Year, m.CreatedAt.Month, m.CreatedAt.Day }).Distinct().ToListAsync(cancellationToken))
        {
            dirty.Add((d.TenantId, Day(d.Year, d.Month, d.Day)));
        }

        foreach (var d in await db.Conversations.IgnoreQueryFilters().Where(c => c.UpdatedAt >= since)
            .Select(c => new { c.TenantId, c.CreatedAt.Year, c.CreatedAt.Month, c.CreatedAt.Day }).Distinct().ToListAsync(cancellationToken))
        {
            dirty.Add((d.TenantId, Day(d.Year, d.Month, d.Day)));
        }

        foreach (var d in await db.MessageFeedback.IgnoreQueryFilters().Where(f => f.CreatedAt >= since)
            .Select(f => new { f.TenantId, f.CreatedAt.Year, f.CreatedAt.Month, f.CreatedAt.Day }).Distinct().ToListAsync(cancellationToken))
        {
            dirty.Add((d.TenantId, Day(d.Year, d.Month, d.Day)));
        }

        foreach (var (tenant, day) in dirty.OrderBy(d => d.Day))
        {
            await RecomputeDayAsync(tenant, day, cancellationToken);
        }

        if (state is null)
        {
            db.Set<RollupState>().Add(new RollupState { Id = 1, Watermark = now });
        }
        else if (dirty.Count > 0 || now - state.Watermark > Overlap / 2)
        {
            state.Watermark = now;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e)
        {
            // Another instance wrote the first watermark at the same moment; its catch-up covers ours.
            logger.LogDebug(e, "Rollup watermark written concurrently");
        }
    }

    private static DateTime Day(int year, int month, int day) => new(year, month, day, 0, 0, 0, DateTimeKind.Utc);

    private async Task RecomputeDayAsync(Guid tenantId, DateTime day, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        using var acting = scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsTenant(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        var end = day.AddDays(1);
        var messages = db.Messages.AsNoTracking().Where(m => m.CreatedAt >= day && m.CreatedAt < end);
        var conversations = db.Conversations.AsNoTracking().Where(c => c.CreatedAt >= day && c.CreatedAt < end);

        var byHourType = await messages.GroupBy(m => new { m.CreatedAt.Hour, m.MessageType }).Select(g => new
        {
            g.Key.Hour,
            g.Key.MessageType,
            Count = g.LongCount(),
            Cached = g.LongCount(m => m.Cached),
            Timed = g.LongCount(m => m.ResponseTimeMs != null),
            TimeSum = g.Sum(m => m.ResponseTimeMs ?? 0),
            Tokens = g.Sum(m => (long)m.TokensUsed),
        }).ToListAsync(cancellationToken);
        var started = await conversations.GroupBy(c => c.CreatedAt.Hour)
            .Select(g => new { Hour = g.Key, Count = g.LongCount(), Ended = g.LongCount(c => c.Status == ConversationStatus.Ended) }).ToListAsync(cancellationToken);
        var escalated = await conversations.Where(Definitions.Escalated(db)).GroupBy(c => c.CreatedAt.Hour)
            .Select(g => new { Hour = g.Key, Count = g.LongCount() }).ToDictionaryAsync(g => g.Hour, g => g.Count, cancellationToken);
        var deflected = await conversations.Where(c => c.Status == ConversationStatus.Ended).Where(Definitions.NotEscalated(db)).GroupBy(c => c.CreatedAt.Hour)
            .Select(g => new { Hour = g.Key, Count = g.LongCount() }).ToDictionaryAsync(g => g.Hour, g => g.Count, cancellationToken);
        var feedback = await db.MessageFeedback.AsNoTracking().Where(f => f.CreatedAt >= day && f.CreatedAt < end).GroupBy(f => f.CreatedAt.Hour)
            .Select(g => new { Hour = g.Key, Count = g.LongCount(), Sum = g.Sum(f => (long)f.Rating) }).ToDictionaryAsync(g => g.Hour, g => g, cancellationToken);
        var intents = await messages.Where(m => m.MessageType == MessageTypes.User && m.Intent != null).GroupBy(m => m.Intent!)
            .Select(g => new DailyIntent { TenantId = tenantId, Day = day, Intent = g.Key, Count = g.LongCount() }).ToListAsync(cancellationToken);
        var users = await messages.Where(m => m.MessageType == MessageTypes.User && m.SenderId != null).GroupBy(m => m.SenderId!.Value)
            .Select(g => new DailyUser { TenantId = tenantId, Day = day, UserId = g.Key, Messages = g.LongCount() }).ToListAsync(cancellationToken);

        var hours = new Dictionary<int, AnalyticsHour>();
        AnalyticsHour Hour(int h) => hours.TryGetValue(h, out var row) ? row : hours[h] = new AnalyticsHour { TenantId = tenantId, HourStart = day.AddHours(h) };
        foreach (var g in byHourType)
        {
            var row = Hour(g.Hour);
            switch (g.MessageType)
            {
                case MessageTypes.User: row.UserMessages += g.Count; break;
                case MessageTypes.Bot: row.BotMessages += g.Count; row.CachedBotMessages += g.Cached; row.ResponseTimeCount += g.Timed; row.ResponseTimeSumMs += g.TimeSum; break;
                case MessageTypes.Agent: row.AgentMessages += g.Count; break;
            }

            row.TokensUsed += g.Tokens;
        }

        foreach (var g in started)
        {
            var row = Hour(g.Hour);
            row.ConversationsStarted = g.Count;
            row.ConversationsEnded = g.Ended;
            row.ConversationsEscalated = escalated.GetValueOrDefault(g.Hour);
            row.ConversationsDeflected = deflected.GetValueOrDefault(g.Hour);
        }

        foreach (var (h, f) in feedback)
        {
            Hour(h).FeedbackCount = f.Count;
            Hour(h).FeedbackRatingSum = f.Sum;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({RollupLockKey})", cancellationToken);
        }

        await db.Set<AnalyticsHour>().Where(h => h.TenantId == tenantId && h.HourStart >= day && h.HourStart < end).ExecuteDeleteAsync(cancellationToken);
        await db.Set<DailyIntent>().Where(i => i.TenantId == tenantId && i.Day == day).ExecuteDeleteAsync(cancellationToken);
        await db.Set<DailyUser>().Where(u => u.TenantId == tenantId && u.Day == day).ExecuteDeleteAsync(cancellationToken);
        db.Set<AnalyticsHour>().AddRange(hours.Values);
        db.Set<DailyIntent>().AddRange(intents);
        db.Set<DailyUser>().AddRange(users);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
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
