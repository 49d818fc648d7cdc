using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;
using Parley.Server.Storage;
using Parley.Server.Tenants;
using Parley.Server.Users;

namespace Parley.Server.ApiKeys;

/// <summary>Authenticates <c>X-API-Key: prk_...</c> or <c>Authorization: Bearer prk_...</c>.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ParleyDb db,
    ApiKeyLookup lookup,
    TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-API-Key";
    public const string KeyPrefix = "prk_";

    public static string? ReadKey(HttpRequest request)
    {
        if (request.Headers.TryGetValue(HeaderName, out var header) && header.ToString() is { Length: > 0 } key)
        {
            return key;
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer " + KeyPrefix, StringComparison.Ordinal) ? authorization["Bearer ".Length..].Trim() : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = ReadKey(Request);
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }

        var state = await lookup.FindAsync(db, TokenService.HashToken(key), Context.RequestAborted);
        var now = clock.GetUtcNow().UtcDateTime;
        if (state is null || state.ExpiresAt <= now)
        {
            return AuthenticateResult.Fail("Invalid, revoked or expired API key.");
        }

        // A key never does more than its owner can do today.
        var role = Roles.Rank(state.KeyRole) <= Roles.Rank(state.UserRole) ? state.KeyRole : state.UserRole;
        if (state.LastUsedAt is null || now - state.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            await db.ApiKeys.IgnoreQueryFilters().Where(k => k.Id == state.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), Context.RequestAborted);
        }

        var principal = PrincipalCheck.Principal(state.UserId, state.TenantId, role, null, "api_key", SchemeName);
        ((System.Security.Claims.ClaimsIdentity)principal.Identity!).AddClaim(new System.Security.Claims.Claim(ParleyClaims.ApiKeyId, state.Id.ToString()));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}

/// <summary>The key lookup, compiled once per host (compiled queries are tied to one EF model).</summary>
public sealed class ApiKeyLookup
{
    public sealed record KeyState(Guid Id, Guid UserId, Guid TenantId, string KeyRole, string UserRole, DateTime? ExpiresAt, DateTime? LastUsedAt);

    private readonly Func<ParleyDb, string, CancellationToken, Task<KeyState?>> _find =
        EF.CompileAsyncQuery((ParleyDb db, string hash, CancellationToken _) =>
            (from k in db.Set<ApiKey>().IgnoreQueryFilters()
             join u in db.Set<User>().IgnoreQueryFilters() on k.UserId equals u.Id
             where k.KeyHash == hash && k.RevokedAt == null && u.IsActive && db.Set<Tenant>().Any(t => t.Id == u.TenantId && t.IsActive)
             select new KeyState(k.Id, u.Id, u.TenantId, k.Role, u.Role, k.ExpiresAt, k.LastUsedAt)).FirstOrDefault());

    public Task<KeyState?> FindAsync(ParleyDb db, string keyHash, CancellationToken cancellationToken) => _find(db, keyHash, cancellationToken);
}
