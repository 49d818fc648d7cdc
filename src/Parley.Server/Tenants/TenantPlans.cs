using Microsoft.EntityFrameworkCore;
using Parley.Server.Storage;

namespace Parley.Server.Tenants;

/// <summary>
/// The plan is the tenant's (quotas, the dashboard and every user record show that one); the
/// per-user <c>users.subscription_plan</c> column of early schemas is no longer read.
/// </summary>
public static class TenantPlans
{
    public static async Task<string> PlanOfAsync(this ParleyDb db, Guid tenantId, CancellationToken cancellationToken)
        => await db.Tenants.IgnoreQueryFilters().AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.SubscriptionPlan).FirstOrDefaultAsync(cancellationToken)
            ?? PlanNames.Free;
}
