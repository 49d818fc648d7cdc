using System.Collections.Concurrent;

namespace Parley.Server.Assistants;

/// <summary>
/// Assistants as every turn reads them (model, prompt, tools, knowledge categories), kept in memory
/// so a turn costs no query for them. A write to a tenant's assistants forgets the tenant here and on
/// every other instance (<see cref="Infrastructure.Caching.TenantChanges"/>); entries also expire
/// after <see cref="Lifetime"/>. Cached assistants are shared: readers must not modify them.
/// </summary>
public sealed class AssistantCache(TimeProvider clock) : Infrastructure.Caching.ITenantCache
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    private sealed record Entry(Assistant Assistant, DateTimeOffset Expires);

    private readonly ConcurrentDictionary<Guid, Entry> _byId = new();
    private readonly ConcurrentDictionary<Guid, Entry> _defaults = new();

    public Assistant? Find(Guid tenantId, Guid assistantId)
        => _byId.TryGetValue(assistantId, out var entry) && entry.Assistant.TenantId == tenantId && entry.Expires > clock.GetUtcNow() ? entry.Assistant : null;

    public Assistant? FindDefault(Guid tenantId)
        => _defaults.TryGetValue(tenantId, out var entry) && entry.Expires > clock.GetUtcNow() ? entry.Assistant : null;

    public void Store(Assistant assistant)
    {
        var entry = new Entry(assistant, clock.GetUtcNow() + Lifetime);
        _byId[assistant.Id] = entry;
        if (assistant.IsDefault)
        {
            _defaults[assistant.TenantId] = entry;
        }
    }

    public void Forget(Guid tenantId)
    {
        _defaults.TryRemove(tenantId, out _);
        foreach (var (id, entry) in _byId)
        {
            if (entry.Assistant.TenantId == tenantId)
            {
                _byId.TryRemove(new KeyValuePair<Guid, Entry>(id, entry));
            }
        }
    }
}
