using System.Globalization;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;

namespace Parley.Server.Infrastructure.RateLimiting;

/// <summary>
/// Counts each request against the budget its endpoint names, per user when authenticated and per
/// client IP otherwise, and reports the budget in X-RateLimit-* headers (429 with Retry-After when spent).
/// </summary>
public sealed class RateLimitMiddleware(RequestDelegate next, RequestBudgets budgets)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var policyName = context.GetEndpoint()?.Metadata.GetMetadata<RateLimitPolicyMetadata>()?.Policy;
        if (policyName is null
            || await budgets.DrawAsync(policyName, context.User.FindFirst(ParleyClaims.UserId)?.Value, context.Connection.RemoteIpAddress, context.RequestAborted) is not { } draw)
        {
            await next(context);
            return;
        }

        var headers = context.Response.Headers;
        headers["X-RateLimit-Limit"] = draw.Limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = draw.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = draw.ResetsAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        if (!draw.Allowed)
        {
            headers.RetryAfter = draw.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            await ErrorWriter.WriteAsync(context, 429, ErrorCodes.RateLimited, ExceededMessage(draw, policyName));
            return;
        }

        await next(context);
    }

    public static string ExceededMessage(BudgetDraw draw, string policyName)
        => $"Rate limit of {draw.Limit} requests per {draw.WindowSeconds} s exceeded for '{policyName}'; retry in {draw.RetryAfterSeconds} s.";
}

public static class RateLimitingSetup
{
    public static WebApplicationBuilder AddParleyRateLimiting(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitingOptions>().BindConfiguration(RateLimitingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<RequestBudgets>();
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
