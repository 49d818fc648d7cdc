using Microsoft.EntityFrameworkCore;
using Parley.Server.Storage;

namespace Parley.Server.Tenants;

/// <summary>
/// Whether a tenant may act now. Signed-in users and API keys are checked by their authentication
/// (<see cref="Auth.PrincipalCheck"/>, <see cref="ApiKeys.ApiKeyLookup"/>); this is the same check for
/// entry points that name a tenant some other way (a signed inbound webhook, a refresh token).
/// </summary>
public static class TenantGate
{
    public const string Deactivated = "This tenant is deactivated.";

    public static Task<bool> IsActiveAsync(ParleyDb db, Guid tenantId, CancellationToken cancellationToken)
        => db.Tenants.AsNoTracking().AnyAsync(t => t.Id == tenantId && t.IsActive, cancellationToken);
}
