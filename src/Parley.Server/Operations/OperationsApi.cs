using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Parley.Server.Infrastructure.RateLimiting;
using Parley.Server.Operations.Metrics;

namespace Parley.Server.Operations;

public sealed record RootResponse(string Message, string Version, string Status, string Docs, string Openapi);

/// <summary>
/// <c>status</c> is "healthy" (Integration Platform) rather than Customer Care AI's "ok", and <c>timestamp</c> is ISO 8601 (Customer Care AI)
/// rather than Integration Platform's epoch float; <c>timestamp_unix</c> carries the latter (docs/api-conventions.md).
/// </summary>
public sealed record HealthResponse(string Status, string Version, DateTime Timestamp, double TimestampUnix);

public sealed record ComponentHealth(string Status, string? Description, double DurationMs, IReadOnlyDictionary<string, object> Data);

public sealed record DetailedHealthResponse(string Status, string Version, DateTime Timestamp, double TimestampUnix, double UptimeSeconds, IReadOnlyDictionary<string, ComponentHealth> Components);

public static class OperationsApi
{
    public static readonly string Version =
        typeof(OperationsApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static readonly DateTime StartedAt = DateTime.UtcNow;

    /// <summary>GET / and /metrics live at the root only; health is also under /api/v1 (MapHealth).</summary>
    public static WebApplication MapOperations(this WebApplication app)
    {
        // Created now, not at the first scrape, so it counts every request from the start.
        app.Services.GetRequiredService<PrometheusMetrics>();
        var root = app.MapGroup("").AllowAnonymous().WithTags("Operations");
        root.MapGet("", () => TypedResults.Ok(new RootResponse("Parley customer-support and assistant platform", Version, "running", "/docs", "/openapi.json")));
        root.MapGet("/metrics", (PrometheusMetrics metrics) => TypedResults.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"));
        return app;
    }

    public static RouteGroupBuilder MapHealth(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("").AllowAnonymous().RequireRateLimit(RateLimitPolicies.None).WithTags("Operations");
        group.MapGet("/health", (TimeProvider clock) =>
        {
            var now = clock.GetUtcNow();
            return TypedResults.Ok(new HealthResponse("healthy", Version, now.UtcDateTime, now.ToUnixTimeMilliseconds() / 1000.0));
        });
        group.MapGet("/health/detailed", DetailedAsync);
        return group;
    }

    private static async Task<Results<Ok<DetailedHealthResponse>, JsonHttpResult<DetailedHealthResponse>>> DetailedAsync(
        HealthCheckService health, TimeProvider clock, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var components = report.Entries.ToDictionary(
            e => e.Key,
            e => new ComponentHealth(Word(e.Value.Status), e.Value.Description, Math.Round(e.Value.Duration.TotalMilliseconds, 2),
                e.Value.Data.ToDictionary(d => d.Key, d => d.Value)));
        var body = new DetailedHealthResponse(Word(report.Status), Version, now.UtcDateTime, now.ToUnixTimeMilliseconds() / 1000.0,
            Math.Round((now.UtcDateTime - StartedAt).TotalSeconds, 1), components);
        return report.Status == HealthStatus.Unhealthy ? TypedResults.Json(body, statusCode: 503) : TypedResults.Ok(body);
    }

    private static string Word(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
