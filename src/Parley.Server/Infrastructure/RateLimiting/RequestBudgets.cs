using System.Net;
using Microsoft.Extensions.Options;

namespace Parley.Server.Infrastructure.RateLimiting;

/// <summary>One draw on a budget: whether it was allowed, and the figures the client is told.</summary>
public readonly record struct BudgetDraw(bool Allowed, int Limit, long Remaining, DateTimeOffset ResetsAt, int RetryAfterSeconds, int WindowSeconds);

/// <summary>
/// The one place a request or a socket frame draws on a named budget (decision 0003): per user when
/// authenticated, per client IP otherwise, on the shared counters (memory, or Redis across
/// instances). HTTP endpoints draw through <see cref="RateLimitMiddleware"/>; a chat turn sent over
/// a socket draws here directly, so every way a turn enters spends the same budget.
/// </summary>
public sealed class RequestBudgets(ICounterStore counters, IOptionsMonitor<RateLimitingOptions> options, TimeProvider clock, ILogger<RequestBudgets> logger)
{
    /// <summary>Counts one use; null when rate limiting is off, the policy is exempt, or the counters are unavailable.</summary>
    public async ValueTask<BudgetDraw?> DrawAsync(string policyName, string? userId, IPAddress? ip, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (!settings.Enabled || settings.For(policyName) is not { } policy)
        {
            return null;
        }

        var (partition, limit) = userId is not null
            ? ("u:" + userId, policy.PerUser)
            : ("ip:" + (ip?.ToString() ?? "unknown"), policy.PerIp);
        CounterWindow window;
        try
        {
            window = await counters.IncrementAsync($"rl:{policyName}:{partition}", TimeSpan.FromSeconds(policy.WindowSeconds), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A counter store outage must not take the API down with it: let the request through.
            logger.LogWarning(e, "Rate-limit counter unavailable; request allowed");
            return null;
        }

        var retryAfter = (int)Math.Max(1, Math.Ceiling((window.ResetsAt - clock.GetUtcNow()).TotalSeconds));
        return new BudgetDraw(window.Count <= limit, limit, Math.Max(0, limit - window.Count), window.ResetsAt, retryAfter, policy.WindowSeconds);
    }
}
