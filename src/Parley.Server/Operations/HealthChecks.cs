using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Parley.Server.Storage;
using StackExchange.Redis;

namespace Parley.Server.Operations;

public sealed class DatabaseHealthCheck(ParleyDb db, SchemaMigrator migrator) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var provider = db.Database.IsNpgsql() ? "postgresql" : "sqlite";
        try
        {
            var watch = Stopwatch.StartNew();
            var version = await migrator.CurrentVersionAsync(cancellationToken);
            var data = new Dictionary<string, object>
            {
                ["provider"] = provider,
                ["schema_version"] = version,
                ["latest_schema_version"] = migrator.LatestVersion,
                ["latency_ms"] = Math.Round(watch.Elapsed.TotalMilliseconds, 2),
            };
            return version == migrator.LatestVersion
                ? HealthCheckResult.Healthy($"{provider} reachable", data)
                : HealthCheckResult.Degraded($"{provider} schema is at version {version}, expected {migrator.LatestVersion}", data: data);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{provider} unreachable: {e.GetType().Name}", data: new Dictionary<string, object> { ["provider"] = provider });
        }
    }
}

public sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy("redis reachable", new Dictionary<string, object> { ["latency_ms"] = Math.Round(latency.TotalMilliseconds, 2) });
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Redis only speeds things up and shares counters; Parley keeps serving without it.
            return HealthCheckResult.Degraded($"redis unreachable: {e.GetType().Name}");
        }
    }
}
