using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Storage;
using Parley.Server.Tenants;
using Parley.Server.Users;

namespace Parley.Server.Auth;

/// <summary>
/// Re-reads the caller on every request: a deleted or disabled user, a deactivated tenant, a
/// revoked session or a changed role takes effect at once, not when the token expires.
/// </summary>
/// <remarks>
/// The answer is kept for <see cref="AuthOptions.PrincipalCacheSeconds"/> and dropped the moment
/// this instance changes the user, their sessions or a tenant, so on one instance every change is
/// immediate; other instances see it within that many seconds. The query is compiled once per host
/// (a compiled query is tied to one EF model), which is why this is a singleton.
/// </remarks>
public sealed class PrincipalCheck(IOptions<AuthOptions> options, TimeProvider clock)
{
    /// <summary>What a request needs about its caller; immutable, shared between requests.</summary>
    public sealed record Snapshot(Guid TenantId, string Role, UserResponse Profile);

    private sealed record Entry(Snapshot Snapshot, long ExpiresAt);

    private const string ItemKey = "parley.principal";

    private readonly ConcurrentDictionary<(Guid User, Guid Session), Entry> _cache = new();
    private readonly TimeSpan _ttl = TimeSpan.FromSeconds(options.Value.PrincipalCacheSeconds);
    private long _nextSweep;

    private sealed record Caller(User User, string TenantPlan);

    // The plan shown is the tenant's (one plan per tenant), read in the same query.
    private readonly Func<ParleyDb, Guid, Guid, CancellationToken, Task<Caller?>> _load =
        EF.CompileAsyncQuery((ParleyDb db, Guid userId, Guid sessionId, CancellationToken _) =>
            db.Set<User>().IgnoreQueryFilters().AsNoTracking()
                .Where(u => u.Id == userId && u.IsActive
                    && db.Set<Tenant>().Any(t => t.Id == u.TenantId && t.IsActive)
                    && db.Set<AuthSession>().IgnoreQueryFilters().Any(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null))
                .Select(u => new Caller(u, db.Set<Tenant>().Where(t => t.Id == u.TenantId).Select(t => t.SubscriptionPlan).First()))
                .FirstOrDefault());

    /// <summary>The caller as stored now, or null when the user, tenant or session is no longer active.</summary>
    public async Task<Snapshot?> LoadAsync(ParleyDb db, Guid userId, Guid sessionId, CancellationToken cancellationToken)
    {
        var now = clock.GetTimestamp();
        if (_cache.TryGetValue((userId, sessionId), out var cached) && cached.ExpiresAt > now)
        {
            return cached.Snapshot;
        }

        var caller = await _load(db, userId, sessionId, cancellationToken);
        if (caller is null)
        {
            _cache.TryRemove((userId, sessionId), out _);
            return null;
        }

        var user = caller.User;
        var snapshot = new Snapshot(user.TenantId, user.Role, UserResponse.From(user, caller.TenantPlan));
        if (_ttl > TimeSpan.Zero)
        {
            _cache[(userId, sessionId)] = new Entry(snapshot, now + (long)(_ttl.TotalSeconds * clock.TimestampFrequency));
            Sweep(now);
        }

        return snapshot;
    }

    /// <summary>Forget what is known about a user (role, profile or sessions changed).</summary>
    public void Forget(Guid userId)
    {
        foreach (var key in _cache.Keys)
        {
            if (key.User == userId)
            {
                _cache.TryRemove(key, out _);
            }
        }
    }

    /// <summary>Forget everyone (a tenant was deactivated or changed).</summary>
    public void ForgetAll() => _cache.Clear();

    public static void Remember(HttpContext context, Snapshot snapshot) => context.Items[ItemKey] = snapshot;

    /// <summary>The snapshot the authentication step loaded for this request, if any.</summary>
    public static Snapshot? Current(HttpContext? context) => context?.Items[ItemKey] as Snapshot;

    private void Sweep(long now)
    {
        var next = Interlocked.Read(ref _nextSweep);
        if (now < next || Interlocked.CompareExchange(ref _nextSweep, now + clock.TimestampFrequency * 60, next) != next)
        {
            return;
        }

        foreach (var (key, entry) in _cache)
        {
            if (entry.ExpiresAt <= now)
            {
                _cache.TryRemove(key, out _);
            }
        }
    }

    /// <summary>Builds the principal Parley's handlers read, with the role as stored now.</summary>
    public static ClaimsPrincipal Principal(Guid userId, Guid tenantId, string role, Guid? sessionId, string method, string scheme)
    {
        var claims = new List<Claim>
        {
            new(ParleyClaims.UserId, userId.ToString()),
            new(ParleyClaims.TenantId, tenantId.ToString()),
            new(ParleyClaims.Role, role),
            new(ParleyClaims.AuthMethod, method),
        };
        if (sessionId is { } sid)
        {
            claims.Add(new Claim(ParleyClaims.SessionId, sid.ToString()));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ParleyClaims.UserId, ParleyClaims.Role));
    }
}
