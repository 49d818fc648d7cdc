using System.Security.Claims;
using Parley.Server.Storage;
using Parley.Server.Tenants;
using Parley.Server.Users;

namespace Parley.Server.Auth;

/// <summary>
/// Who is calling, read from the validated principal. It is also the tenant scope of ParleyDb, so
/// every query is limited to the caller's tenant.
/// </summary>
public sealed class CurrentUser(IHttpContextAccessor accessor) : ITenantScope
{
    private Guid? _actingTenant;

    public ClaimsPrincipal Principal => accessor.HttpContext?.User ?? new ClaimsPrincipal();
    public bool IsAuthenticated => Principal.Identity?.IsAuthenticated == true;
    public Guid? TenantId => _actingTenant ?? ReadGuid(ParleyClaims.TenantId);
    public Guid? UserId => ReadGuid(ParleyClaims.UserId);
    public Guid? SessionId => ReadGuid(ParleyClaims.SessionId);
    public string Role => Principal.FindFirst(ParleyClaims.Role)?.Value ?? string.Empty;
    public bool IsAdmin => Role == Roles.Admin;
    public bool IsAgentOrAdmin => Role is Roles.Admin or Roles.Agent;
    public bool IsPlatformAdmin => IsAdmin && TenantId == Tenant.PlatformId;

    public Guid RequiredUserId => UserId ?? throw new InvalidOperationException("No authenticated user.");
    public Guid RequiredTenantId => TenantId ?? throw new InvalidOperationException("No tenant in scope.");

    /// <summary>
    /// Work on another tenant's rows on purpose (platform admins, background jobs); the returned
    /// handle ends it. Everything else stays inside the caller's own tenant.
    /// </summary>
    public IDisposable ActAsTenant(Guid tenantId)
    {
        var previous = _actingTenant;
        _actingTenant = tenantId;
        return new Restore(() => _actingTenant = previous);
    }

    private Guid? ReadGuid(string claim) => Guid.TryParse(Principal.FindFirst(claim)?.Value, out var id) ? id : null;

    private sealed class Restore(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
