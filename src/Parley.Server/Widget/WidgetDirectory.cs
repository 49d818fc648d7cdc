using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Storage;

namespace Parley.Server.Widget;

/// <summary>
/// Channels by website token and visitors' channels, read on every widget request and visitor call,
/// so kept in memory for a few seconds. A change on this instance applies at once
/// (<see cref="Forget"/>); other instances see it within <see cref="Ttl"/>.
/// </summary>
public sealed class WidgetDirectory(IServiceScopeFactory scopes, TimeProvider clock)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);

    /// <summary>What a request needs about a channel; immutable, shared.</summary>
    public sealed record ChannelInfo(Guid Id, Guid TenantId, string WebsiteToken, bool IsActive, string[] AllowedOrigins, WidgetChannel Row);

    private sealed record Entry<T>(T? Value, DateTimeOffset ExpiresAt);

    private readonly ConcurrentDictionary<string, Entry<ChannelInfo>> _byToken = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, Entry<ChannelInfo>> _byVisitor = new();
    private volatile Entry<HashSet<string>>? _allOrigins;

    public async Task<ChannelInfo?> ByTokenAsync(string websiteToken, CancellationToken cancellationToken)
    {
        if (websiteToken.Length is 0 or > 100)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        if (_byToken.TryGetValue(websiteToken, out var cached) && cached.ExpiresAt > now)
        {
            return cached.Value;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        var row = await db.Set<WidgetChannel>().IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(c => c.WebsiteToken == websiteToken, cancellationToken);
        var info = row is null ? null : Info(row);
        _byToken[websiteToken] = new Entry<ChannelInfo>(info, now + Ttl);
        return info;
    }

    public async Task<ChannelInfo?> ByVisitorAsync(Guid visitorId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_byVisitor.TryGetValue(visitorId, out var cached) && cached.ExpiresAt > now)
        {
            return cached.Value;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        var row = await db.Set<WidgetVisitor>().IgnoreQueryFilters().AsNoTracking().Where(v => v.Id == visitorId)
            .Join(db.Set<WidgetChannel>().IgnoreQueryFilters(), v => v.ChannelId, c => c.Id, (v, c) => c).FirstOrDefaultAsync(cancellationToken);
        var info = row is null ? null : Info(row);
        _byVisitor[visitorId] = new Entry<ChannelInfo>(info, now + Ttl);
        return info;
    }

    /// <summary>Every origin some active channel allows: enough to answer a CORS preflight, which carries no token.</summary>
    public async Task<HashSet<string>> AllOriginsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_allOrigins is { } cached && cached.ExpiresAt > now)
        {
            return cached.Value!;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        var lists = await db.Set<WidgetChannel>().IgnoreQueryFilters().AsNoTracking().Where(c => c.IsActive).Select(c => c.AllowedOrigins).ToListAsync(cancellationToken);
        var all = lists.SelectMany(WidgetChannelView.ReadArray).ToHashSet(StringComparer.Ordinal);
        _allOrigins = new Entry<HashSet<string>>(all, now + Ttl);
        return all;
    }

    public void Forget()
    {
        _byToken.Clear();
        _byVisitor.Clear();
        _allOrigins = null;
    }

    private static ChannelInfo Info(WidgetChannel row) => new(row.Id, row.TenantId, row.WebsiteToken, row.IsActive, WidgetChannelView.ReadArray(row.AllowedOrigins), row);
}
