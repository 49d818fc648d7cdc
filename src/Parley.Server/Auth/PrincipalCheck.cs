using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Storage;
using Parley.Server.Users;

namespace Parley.Server.Auth;

/// <summary>
/// Re-reads the caller from the database on every request: a deleted or disabled user, a revoked
/// session or a changed role takes effect at once, not when the token expires. One indexed query,
/// compiled once per host (a singleton: a compiled query is tied to one EF model).
/// </summary>
public sealed class PrincipalCheck
{
    public sealed record Snapshot(Guid Id, Guid TenantId, string Role, bool SessionActive);

    private readonly Func<ParleyDb, Guid, Guid, CancellationToken, Task<Snapshot?>> _load =
        EF.CompileAsyncQuery((ParleyDb db, Guid userId, Guid sessionId, CancellationToken _) =>
            db.Users.IgnoreQueryFilters()
                .Where(u => u.Id == userId && u.IsActive && db.Tenants.Any(t => t.Id == u.TenantId && t.IsActive))
                .Select(u => new Snapshot(u.Id, u.TenantId, u.Role,
                    db.AuthSessions.IgnoreQueryFilters().Any(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null)))
                .FirstOrDefault());

    public Task<Snapshot?> LoadAsync(ParleyDb db, Guid userId, Guid sessionId, CancellationToken cancellationToken)
        => _load(db, userId, sessionId, cancellationToken);

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

    public static bool IsKnownRole(string role) => Roles.All.Contains(role);
}
