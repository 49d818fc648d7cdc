using StackExchange.Redis;

namespace Parley.Server.Infrastructure.Redis;

public sealed class RedisOptions
{
    public const string Section = "Parley:Redis";

    /// <summary>StackExchange.Redis configuration, e.g. <c>127.0.0.1:6379</c> (env <c>Parley__Redis__Configuration</c>). Empty: no Redis.</summary>
    public string? Configuration { get; set; }

    /// <summary>Prefix of every key Parley writes, so several deployments can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "parley:";
}

public static class RedisSetup
{
    public static bool IsRedisConfigured(this IConfiguration configuration)
        => !string.IsNullOrWhiteSpace(configuration[$"{RedisOptions.Section}:Configuration"]);

    public static WebApplicationBuilder AddParleyRedis(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section);
        if (builder.Configuration.IsRedisConfigured())
        {
            builder.Services.AddSingleton<IConnectionMultiplexer>(_ =>
            {
                var options = ConfigurationOptions.Parse(builder.Configuration[$"{RedisOptions.Section}:Configuration"]!);
                // Start even when Redis is down; health/detailed reports it and calls retry.
                options.AbortOnConnectFail = false;
                return ConnectionMultiplexer.Connect(options);
            });
        }

        return builder;
    }
}
