using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Storage;

namespace Parley.Server.Webhooks;

/// <summary>
/// Which endpoints of a tenant want which events, cached in memory so that raising an event (every
/// chat turn raises one) costs no query for a tenant without subscriptions. Changes reach this
/// cache on every instance through <see cref="Infrastructure.Caching.TenantChanges"/>; entries also expire
/// after <see cref="WebhookOptions.SubscriptionCacheSeconds"/>, in case a notification is lost.
/// </summary>
public sealed class WebhookSubscriptions(IOptions<WebhookOptions> options, TimeProvider clock) : Infrastructure.Caching.ITenantCache
{
    /// <summary>A subscription; one with an owner (a plain user's) hears only events about that user's resources.</summary>
    public sealed record Subscription(Guid WebhookId, IReadOnlySet<string> Events, Guid? OwnerUserId);

    private sealed record Entry(Subscription[] Subscriptions, DateTimeOffset Expires);

    private readonly ConcurrentDictionary<Guid, Entry> _cache = new();

    public async ValueTask<Subscription[]> ForTenantAsync(ParleyDb db, Guid tenantId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(tenantId, out var entry) && entry.Expires > now)
        {
            return entry.Subscriptions;
        }

        var rows = await db.Set<Webhook>().IgnoreQueryFilters().AsNoTracking()
            .Where(w => w.TenantId == tenantId && w.IsActive)
            .Select(w => new { w.Id, w.Events, w.OwnerUserId })
            .ToListAsync(cancellationToken);
        var subscriptions = rows.Select(r => new Subscription(r.Id, ParseEvents(r.Events), r.OwnerUserId)).ToArray();
        _cache[tenantId] = new Entry(subscriptions, now.AddSeconds(options.Value.SubscriptionCacheSeconds));
        return subscriptions;
    }

    public void Forget(Guid tenantId) => _cache.TryRemove(tenantId, out _);

    public static HashSet<string> ParseEvents(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<HashSet<string>>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
