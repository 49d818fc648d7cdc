using System.Globalization;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;

namespace Parley.Server.Infrastructure.RateLimiting;

/// <summary>
/// Counts each request against the budget its endpoint names, per user when authenticated and per
/// client IP otherwise, and reports the budget in X-RateLimit-* headers (429 with Retry-After when spent).
/// </summary>
public sealed class RateLimitMiddleware(RequestDelegate next, ICounterStore counters, IOptionsMonitor<RateLimitingOptions> options, ILogger<RateLimitMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var settings = options.CurrentValue;
        var policyName = context.GetEndpoint()?.Metadata.GetMetadata<RateLimitPolicyMetadata>()?.Policy;
        if (!settings.Enabled || policyName is null || settings.For(policyName) is not { } policy)
        {
            await next(context);
            return;
        }

        var userId = context.User.FindFirst(ParleyClaims.UserId)?.Value;
        var (partition, limit) = userId is not null
            ? ("u:" + userId, policy.PerUser)
            : ("ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown"), policy.PerIp);

        CounterWindow window;
        try
        {
            window = await counters.IncrementAsync($"rl:{policyName}:{partition}", TimeSpan.FromSeconds(policy.WindowSeconds), context.RequestAborted);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A counter store outage must not take the API down with it: let the request through.
            logger.LogWarning(e, "Rate-limit counter unavailable; request allowed");
            await next(context);
            return;
        }

        var headers = context.Response.Headers;
        headers["X-RateLimit-Limit"] = limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = Math.Max(0, limit - window.Count).ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = window.ResetsAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        if (window.Count > limit)
        {
            var retryAfter = Math.Max(1, (long)Math.Ceiling((window.ResetsAt - DateTimeOffset.UtcNow).TotalSeconds));
            headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            await ErrorWriter.WriteAsync(context, 429, ErrorCodes.RateLimited,
                $"Rate limit of {limit} requests per {policy.WindowSeconds} s exceeded for '{policyName}'; retry in {retryAfter} s.");
            return;
        }

        await next(context);
    }
}

public static class RateLimitingSetup
{
    public static WebApplicationBuilder AddParleyRateLimiting(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitingOptions>().BindConfiguration(RateLimitingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (Redis.RedisSetup.IsRedisConfigured(builder.Configuration))
        {
            builder.Services.AddSingleton<ICounterStore, RedisCounterStore>();
        }
        else
        {
            builder.Services.AddSingleton<ICounterStore, MemoryCounterStore>();
        }

        return builder;
    }

    public static TBuilder RequireRateLimit<TBuilder>(this TBuilder builder, string policy) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new RateLimitPolicyMetadata(policy));
}
