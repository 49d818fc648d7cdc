using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Infrastructure.Events;
using Parley.Server.Storage;
using Parley.Server.Tenants;

namespace Parley.Server.Plans;

/// <summary>Where a tenant stands on one metric in the current period.</summary>
public sealed record QuotaStatus(string Metric, string Plan, long Used, long Limit, DateTime ResetAt)
{
    public bool Unlimited => Limit <= 0;
    public long Remaining => Unlimited ? long.MaxValue : Math.Max(0, Limit - Used);
    public bool Exhausted => !Unlimited && Used >= Limit;
}

/// <summary>
/// Counts usage as it happens without a database round trip on the hot path: each instance keeps
/// per-tenant counters in memory, seeded from <c>usage_counters</c> on first use and flushed there
/// in batches (an atomic <c>count = count + delta</c>) every <see cref="PlanOptions.FlushSeconds"/>,
/// when it also reads back the total every instance has written. Checks read memory only. With
/// several instances a tenant can overrun a limit by what the other instances counted since their
/// last flush; docs/plans.md says so.
/// </summary>
public sealed class UsageMeter(IServiceScopeFactory scopes, IOptionsMonitor<PlanOptions> options, TimeProvider clock, ILogger<UsageMeter> logger) : IDisposable
{
    /// <summary>Internal event (not subscribable by webhooks): a tenant passed the warning share of a limit.</summary>
    public const string QuotaWarningEvent = "quota.warning";

    private static readonly TimeSpan PlanTtl = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<(Guid Tenant, string Metric, string Period), Counter> _counters = new();
    private readonly ConcurrentDictionary<Guid, (string Plan, DateTime LoadedAt)> _plans = new();
    private readonly SemaphoreSlim _flushGate = new(1, 1);

    public PlanOptions Options => options.CurrentValue;

    public async ValueTask<QuotaStatus> StatusAsync(Guid tenantId, string metric, CancellationToken cancellationToken)
    {
        var plan = await PlanOfAsync(tenantId, cancellationToken);
        var (counter, resetAt) = await CounterAsync(tenantId, metric, cancellationToken);
        return new QuotaStatus(metric, plan, counter.Total, options.CurrentValue.For(plan).LimitOf(metric), resetAt);
    }

    /// <summary>The refusal to answer when enforcing and the tenant has used its whole quota; null to go ahead.</summary>
    public async ValueTask<QuotaExceededException?> CheckAsync(Guid tenantId, string metric, CancellationToken cancellationToken)
    {
        if (!options.CurrentValue.Enforce)
        {
            return null;
        }

        var status = await StatusAsync(tenantId, metric, cancellationToken);
        return status.Exhausted ? new QuotaExceededException(status) : null;
    }

    public async ValueTask CountAsync(Guid tenantId, Guid? userId, string metric, long amount, CancellationToken cancellationToken)
    {
        var (counter, _) = await CounterAsync(tenantId, metric, cancellationToken);
        Interlocked.Add(ref counter.Pending, amount);
        if (userId is not null)
        {
            counter.LastUserId = userId;
        }
    }

    /// <summary>Forget a tenant's cached plan (after a platform admin changes it).</summary>
    public void PlanChanged(Guid tenantId) => _plans.TryRemove(tenantId, out _);

    public async ValueTask<string> PlanOfAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (_plans.TryGetValue(tenantId, out var cached) && now - cached.LoadedAt < PlanTtl)
        {
            return cached.Plan;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        var plan = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.SubscriptionPlan).FirstOrDefaultAsync(cancellationToken)
            ?? PlanNames.Free;
        _plans[tenantId] = (plan, now);
        return plan;
    }

    private async ValueTask<(Counter Counter, DateTime ResetAt)> CounterAsync(Guid tenantId, string metric, CancellationToken cancellationToken)
    {
        var (period, _, resetAt) = UsageMetrics.PeriodOf(metric, clock.GetUtcNow().UtcDateTime);
        var key = (tenantId, metric, period);
        var counter = _counters.GetOrAdd(key, k => new Counter(c => LoadAsync(k, c)));
        if (!counter.Loaded)
        {
            try
            {
                await counter.Load.Value.WaitAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed load is not remembered: the next call tries the database again.
                _counters.TryRemove(new KeyValuePair<(Guid, string, string), Counter>(key, counter));
                throw;
            }
        }

        return (counter, resetAt);
    }

    private async Task LoadAsync((Guid Tenant, string Metric, string Period) key, Counter counter)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        var stored = await db.Set<UsageCounter>().AsNoTracking()
            .Where(c => c.TenantId == key.Tenant && c.Metric == key.Metric && c.Period == key.Period)
            .Select(c => new { c.Count, c.WarnedAt }).FirstOrDefaultAsync();
        counter.Base = stored?.Count ?? 0;
        counter.Warned = stored?.WarnedAt is not null;
        counter.Loaded = true;
    }

    /// <summary>Writes counted usage (of one tenant, or all) and raises due warnings; the flusher and the dashboard call it.</summary>
    public async Task FlushAsync(Guid? onlyTenant, CancellationToken cancellationToken)
    {
        await _flushGate.WaitAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var (key, counter) in _counters)
            {
                if (onlyTenant is { } tenant && key.Tenant != tenant)
                {
                    continue;
                }

                var (currentPeriod, _, _) = UsageMetrics.PeriodOf(key.Metric, now);
                await FlushOneAsync(key, counter, now, cancellationToken);
                if (key.Period != currentPeriod && Volatile.Read(ref counter.Pending) == 0)
                {
                    _counters.TryRemove(key, out _);
                }
            }
        }
        finally
        {
            _flushGate.Release();
        }
    }

    private async Task FlushOneAsync((Guid Tenant, string Metric, string Period) key, Counter counter, DateTime now, CancellationToken cancellationToken)
    {
        if (!counter.Loaded)
        {
            return;
        }

        var delta = Interlocked.Exchange(ref counter.Pending, 0);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        try
        {
            var total = await db.Database.SqlQuery<long>($"""
                INSERT INTO usage_counters (tenant_id, metric, period, count, updated_at) VALUES ({key.Tenant}, {key.Metric}, {key.Period}, {delta}, {now})
                ON CONFLICT (tenant_id, metric, period) DO UPDATE SET count = usage_counters.count + excluded.count, updated_at = excluded.updated_at
                RETURNING count AS "Value"
                """).ToListAsync(cancellationToken);
            Interlocked.Exchange(ref counter.Base, total[0]);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Interlocked.Add(ref counter.Pending, delta);
            logger.LogWarning(e, "Could not write usage of tenant {TenantId} ({Metric}); kept for the next flush", key.Tenant, key.Metric);
            return;
        }

        await WarnIfDueAsync(db, scope.ServiceProvider, key, counter, now, cancellationToken);
    }

    private async Task WarnIfDueAsync(ParleyDb db, IServiceProvider services, (Guid Tenant, string Metric, string Period) key, Counter counter, DateTime now, CancellationToken cancellationToken)
    {
        var plan = await PlanOfAsync(key.Tenant, cancellationToken);
        var limit = options.CurrentValue.For(plan).LimitOf(key.Metric);
        if (counter.Warned || limit <= 0 || counter.Total * 100 < limit * options.CurrentValue.WarnAtPercent)
        {
            return;
        }

        // One instance wins the row; only it raises the event, in the same transaction.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await db.Database.ExecuteSqlAsync($"""
            UPDATE usage_counters SET warned_at = {now} WHERE tenant_id = {key.Tenant} AND metric = {key.Metric} AND period = {key.Period} AND warned_at IS NULL
            """, cancellationToken);
        counter.Warned = true;
        if (claimed == 1)
        {
            var (_, _, resetAt) = UsageMetrics.PeriodOf(key.Metric, now);
            await services.GetRequiredService<DomainEvents>().RaiseAsync(db, key.Tenant, QuotaWarningEvent,
                new QuotaWarning(counter.LastUserId, key.Metric, counter.Total, limit, resetAt), cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public void Dispose() => _flushGate.Dispose();

    private sealed class Counter
    {
        public Counter(Func<Counter, Task> load) => Load = new Lazy<Task>(() => load(this));

        public Lazy<Task> Load { get; }
        public long Base;
        public long Pending;
        public volatile bool Loaded;
        public volatile bool Warned;
        public Guid? LastUserId;

        public long Total => Volatile.Read(ref Base) + Volatile.Read(ref Pending);
    }
}

/// <summary>The data of the internal <c>quota.warning</c> event.</summary>
public sealed record QuotaWarning(Guid? UserId, string Metric, long Used, long Limit, DateTime ResetAt);

/// <summary>Writes counted usage to the database in batches.</summary>
public sealed class UsageFlusher(UsageMeter meter, IOptionsMonitor<PlanOptions> options, ILogger<UsageFlusher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(options.CurrentValue.FlushSeconds), stoppingToken);
                await meter.FlushAsync(null, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Usage flush failed");
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            // What was counted since the last flush is not lost on a clean shutdown.
            await meter.FlushAsync(null, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Final usage flush failed");
        }
    }
}
