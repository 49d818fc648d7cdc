using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Parley.Server.Infrastructure.Errors;

namespace Parley.Server.Plans;

/// <summary>
/// A tenant has used its whole quota. Answered as 429 with the usual error envelope plus a
/// <c>quota</c> object (metric, limit, used, plan, reset_at) and <c>Retry-After</c> until the reset.
/// </summary>
public sealed class QuotaExceededException(QuotaStatus status)
    : Exception($"The {status.Plan} plan allows {status.Limit} {Describe(status.Metric)}; the quota resets at {status.ResetAt:yyyy-MM-ddTHH:mm:ssZ}."),
      IWritesOwnResponse
{
    public const string Code = "QUOTA_EXCEEDED";

    public QuotaStatus Status { get; } = status;

    private static string Describe(string metric) => metric switch
    {
        UsageMetrics.Messages => "messages per month",
        UsageMetrics.BackgroundTasks => "background tasks per month",
        _ => "API calls per day",
    };

    public async Task WriteAsync(HttpContext context)
    {
        var clock = context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var retryAfter = Math.Max(1, (long)Math.Ceiling((Status.ResetAt - clock.GetUtcNow().UtcDateTime).TotalSeconds));
        var details = new List<FieldError>
        {
            new("limit", Status.Limit.ToString(CultureInfo.InvariantCulture)),
            new("reset_at", Status.ResetAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)),
        };
        var envelope = ApiError.Create(429, Code, Message, details, context.TraceIdentifier, clock.GetUtcNow().UtcDateTime);
        var body = JsonSerializer.SerializeToNode(envelope, json)!.AsObject();
        body["quota"] = JsonSerializer.SerializeToNode(new QuotaBody(Status.Metric, Status.Plan, Status.Limit, Status.Used, Status.ResetAt, retryAfter), json);
        context.Response.StatusCode = 429;
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["X-Request-ID"] = context.TraceIdentifier;
        await context.Response.WriteAsJsonAsync(body, json, contentType: "application/json; charset=utf-8");
    }

    private sealed record QuotaBody(string Metric, string Plan, long Limit, long Used, DateTime ResetAt, long RetryAfterSeconds);
}
