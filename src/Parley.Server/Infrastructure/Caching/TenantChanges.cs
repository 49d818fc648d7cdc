namespace Parley.Server.Infrastructure.Caching;

/// <summary>Keeps copies of a tenant's configuration in memory (assistants, tools, answers, subscriptions...).</summary>
public interface ITenantCache
{
    /// <summary>Drops every copy this cache holds for the tenant; the next read goes to the database.</summary>
    void Forget(Guid tenantId);
}

/// <summary>
/// The one way to say "this tenant's configuration changed": every <see cref="ITenantCache"/> on
/// this instance forgets the tenant at once, and (through <see cref="ITenantChangeRelay"/>, PostgreSQL
/// NOTIFY when several instances share a database) every cache on the other instances too.
/// Each cache still expires its entries on its own, which bounds staleness if a notification is
/// lost while an instance reconnects.
/// </summary>
public sealed class TenantChanges(IEnumerable<ITenantCache> caches, ITenantChangeRelay relay, ILogger<TenantChanges> logger)
{
    public async Task ChangedAsync(Guid tenantId, CancellationToken cancellationToken = default)
    {
        ForgetHere(tenantId);
        try
        {
            await relay.ForwardTenantChangeAsync(tenantId, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The change itself is stored; other instances catch up when their copies expire.
            logger.LogWarning(e, "Could not tell other instances that tenant {TenantId} changed", tenantId);
        }
    }

    /// <summary>Forgets the tenant in this instance's caches only (a change announced by another instance).</summary>
    public void ForgetHere(Guid tenantId)
    {
        foreach (var cache in caches)
        {
            cache.Forget(tenantId);
        }
    }
}

/// <summary>
/// Carries "this tenant's configuration changed" to the other instances. Realtime's relay implements
/// it (PostgreSQL NOTIFY); a single instance has nobody to tell (<see cref="NoOtherInstances"/>).
/// </summary>
public interface ITenantChangeRelay
{
    ValueTask ForwardTenantChangeAsync(Guid tenantId, CancellationToken cancellationToken);
}

/// <summary>One process and no other instance to tell (offline tools such as the knowledge evaluation).</summary>
public sealed class NoOtherInstances : ITenantChangeRelay
{
    public ValueTask ForwardTenantChangeAsync(Guid tenantId, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
