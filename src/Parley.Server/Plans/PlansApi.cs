using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Pagination;
using Parley.Server.Infrastructure.Validation;
using Parley.Server.Storage;
using Parley.Server.Tenants;

namespace Parley.Server.Plans;

public sealed record SetPlanRequest(string? Plan, string? SubscriptionPlan) : IValidatable
{
    /// <summary>Either name is accepted: <c>plan</c>, or <c>subscription_plan</c> as on tenants and users.</summary>
    public string? Effective => Plan ?? SubscriptionPlan;

    public IEnumerable<FieldError> Validate()
    {
        if (Effective is not { } plan || !PlanNames.All.Contains(plan))
        {
            yield return new FieldError("plan", "One of: free, pro, enterprise.");
        }
    }
}

public sealed record PlanLimitsView(long Messages, long BackgroundTasks, long ApiCalls, int ConcurrentTasks)
{
    public static PlanLimitsView From(PlanLimits l) => new(l.MessagesPerMonth, l.BackgroundTasksPerMonth, l.ApiCallsPerDay, l.ConcurrentTasks);
}

public sealed record PlanView(string Name, PlanLimitsView Limits);

public sealed record TenantPlanView(Guid TenantId, string SubscriptionPlan, PlanLimitsView Limits);

/// <summary>Plans and their limits, per-tenant plan assignment by platform admins, and Three-Database Chatbot's <c>/auth/dashboard</c>.</summary>
public static class PlansApi
{
    public static RouteGroupBuilder MapPlans(this RouteGroupBuilder api)
    {
        api.MapGet("/auth/dashboard", DashboardApi.GetAsync).WithTags("Auth");
        api.MapGet("/plans", ListPlans).WithTags("Plans");
        api.MapPut("/tenants/{id:guid}/plan", SetPlanAsync).WithTags("Tenants").RequireAuthorization(AuthSetup.Policies.PlatformAdmin);
        return api;
    }

    private static Results<ArrayPageResult<PlanView>, ErrorResult> ListPlans(UsageMeter meter, PageQuery query)
        => ListPages.Of(PlanNames.All.Select(p => new PlanView(p, PlanLimitsView.From(meter.Options.For(p)))).ToList(), query);

    private static async Task<Results<Ok<TenantPlanView>, ErrorResult>> SetPlanAsync(
        Guid id, SetPlanRequest request, ParleyDb db, UsageMeter meter, PrincipalCheck principals, TimeProvider clock, CancellationToken cancellationToken)
    {
        var tenant = await db.Tenants.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (tenant is null)
        {
            return ErrorResult.NotFound("Tenant");
        }

        tenant.SubscriptionPlan = request.Effective!;
        tenant.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        meter.PlanChanged(id);
        // Every user record shows the tenant's plan; cached callers must not show the old one.
        principals.ForgetAll();
        return TypedResults.Ok(new TenantPlanView(tenant.Id, tenant.SubscriptionPlan, PlanLimitsView.From(meter.Options.For(tenant.SubscriptionPlan))));
    }
}
