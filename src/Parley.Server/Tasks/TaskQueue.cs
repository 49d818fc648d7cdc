using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Plans;
using Parley.Server.Storage;

namespace Parley.Server.Tasks;

/// <summary>
/// The queue's SQL: an atomic claim that respects each tenant's plan concurrency, lease renewal,
/// and handing claims back on shutdown. On PostgreSQL claims take a transaction-scoped advisory
/// lock so instances never both count a tenant below its limit; SQLite has one writer anyway.
/// </summary>
public sealed class TaskQueue(IServiceScopeFactory scopes, IOptionsMonitor<PlanOptions> plans, TimeProvider clock)
{
    private const long ClaimLockKey = 7_274_253_902;

    /// <summary>This process's name in <c>lease_owner</c>.</summary>
    public string InstanceId { get; } = Environment.MachineName + ":" + Environment.ProcessId + ":" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Wakes the local workers when a task is submitted here (other instances find it by polling).</summary>
    public SemaphoreSlim Submitted { get; } = new(0, int.MaxValue);

    public async Task<Guid?> ClaimAsync(TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + lease;
        var (free, pro, enterprise) = (plans.CurrentValue.Free.ConcurrentTasks, plans.CurrentValue.Pro.ConcurrentTasks, plans.CurrentValue.Enterprise.ConcurrentTasks);
        var owner = InstanceId;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({ClaimLockKey})", cancellationToken);
        }

        var claimed = await db.Database.SqlQuery<Guid>($"""
            UPDATE background_tasks SET status = 'running', lease_owner = {owner}, lease_expires_at = {until}, attempts = attempts + 1,
                started_at = COALESCE(started_at, {now}), updated_at = {now}
            WHERE id = (
                SELECT t.id FROM background_tasks t JOIN tenants n ON n.id = t.tenant_id
                WHERE (t.status = 'submitted' OR (t.status = 'running' AND t.lease_expires_at < {now}))
                  AND (SELECT count(*) FROM background_tasks r WHERE r.tenant_id = t.tenant_id AND r.status = 'running' AND r.lease_expires_at >= {now})
                      < CASE n.subscription_plan WHEN 'pro' THEN {pro} WHEN 'enterprise' THEN {enterprise} ELSE {free} END
                ORDER BY t.created_at
                LIMIT 1)
            RETURNING id AS "Value"
            """).ToListAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return claimed.Count == 0 ? null : claimed[0];
    }

    /// <summary>Extends this instance's claim; false when the task was cancelled or claimed by another instance.</summary>
    public async Task<bool> RenewAsync(Guid id, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + lease;
        var owner = InstanceId;
        return await db.Database.ExecuteSqlAsync($"""
            UPDATE background_tasks SET lease_expires_at = {until}, updated_at = {now}
            WHERE id = {id} AND lease_owner = {owner} AND status = 'running'
            """, cancellationToken) == 1;
    }

    /// <summary>On a clean shutdown, hands unfinished claims back so another instance starts them at once.</summary>
    public async Task ReleaseAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        var owner = InstanceId;
        await db.Database.ExecuteSqlAsync($"""
            UPDATE background_tasks SET status = 'submitted', lease_owner = NULL, lease_expires_at = NULL, attempts = attempts - 1, updated_at = {now}
            WHERE id = {id} AND lease_owner = {owner} AND status = 'running'
            """, cancellationToken);
    }
}
