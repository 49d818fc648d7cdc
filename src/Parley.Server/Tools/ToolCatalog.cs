using System.Collections.Concurrent;

namespace Parley.Server.Tools;

/// <summary>
/// What tool turns read from the database for a tenant (its active integration types, its custom
/// tools and its intent routes), kept in memory so a turn costs no query for them. Writes to
/// integrations, custom tools or routes forget the tenant here and on every other instance
/// (<see cref="Infrastructure.Caching.TenantChanges"/>); entries also expire after <see cref="Lifetime"/>.
/// Cached tools and routes are shared: readers must not modify them.
/// </summary>
public sealed class ToolCatalog(TimeProvider clock) : Infrastructure.Caching.ITenantCache
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    public sealed record Snapshot(IReadOnlyList<string> IntegrationTypes, IReadOnlyList<CustomTool> CustomTools, DateTimeOffset Expires);

    private sealed record Routes(IReadOnlyList<ToolRoute> All, DateTimeOffset Expires);

    private readonly ConcurrentDictionary<Guid, Snapshot> _tenants = new();
    private readonly ConcurrentDictionary<Guid, Routes> _routes = new();

    public Snapshot? Find(Guid tenantId)
        => _tenants.TryGetValue(tenantId, out var snapshot) && snapshot.Expires > clock.GetUtcNow() ? snapshot : null;

    public Snapshot Store(Guid tenantId, IReadOnlyList<string> integrationTypes, IReadOnlyList<CustomTool> customTools)
        => _tenants[tenantId] = new Snapshot(integrationTypes, customTools, clock.GetUtcNow() + Lifetime);

    /// <summary>Every intent route of the tenant (of all its assistants), or null when not cached.</summary>
    public IReadOnlyList<ToolRoute>? FindRoutes(Guid tenantId)
        => _routes.TryGetValue(tenantId, out var routes) && routes.Expires > clock.GetUtcNow() ? routes.All : null;

    public void StoreRoutes(Guid tenantId, IReadOnlyList<ToolRoute> routes) => _routes[tenantId] = new Routes(routes, clock.GetUtcNow() + Lifetime);

    public void Forget(Guid tenantId)
    {
        _tenants.TryRemove(tenantId, out _);
        _routes.TryRemove(tenantId, out _);
    }
}
