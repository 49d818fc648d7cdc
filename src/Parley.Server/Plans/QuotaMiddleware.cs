using Parley.Server.Auth;
using Parley.Server.Infrastructure.RateLimiting;

namespace Parley.Server.Plans;

/// <summary>
/// Counts every authenticated API call against the tenant's daily allowance and refuses chat turns
/// (endpoints under the chat rate-limit policy) once the monthly message quota is spent, before
/// the handler creates anything. Both checks read in-memory counters only.
/// </summary>
public sealed class QuotaMiddleware(RequestDelegate next, UsageMeter meter)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var policy = context.GetEndpoint()?.Metadata.GetMetadata<RateLimitPolicyMetadata>()?.Policy;
        if (policy is null
            || !Guid.TryParse(context.User.FindFirst(ParleyClaims.TenantId)?.Value, out var tenantId))
        {
            await next(context);
            return;
        }

        var userId = Guid.TryParse(context.User.FindFirst(ParleyClaims.UserId)?.Value, out var id) ? id : (Guid?)null;
        var aborted = context.RequestAborted;
        if (await meter.CheckAsync(tenantId, UsageMetrics.ApiCalls, aborted) is { } overCalls)
        {
            await overCalls.WriteAsync(context);
            return;
        }

        if (policy == RateLimitPolicies.Chat && await meter.CheckAsync(tenantId, UsageMetrics.Messages, aborted) is { } overMessages)
        {
            await overMessages.WriteAsync(context);
            return;
        }

        await meter.CountAsync(tenantId, userId, UsageMetrics.ApiCalls, 1, aborted);
        await next(context);
    }
}
