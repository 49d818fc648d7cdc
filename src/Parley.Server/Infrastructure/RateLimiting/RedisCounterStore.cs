using StackExchange.Redis;

namespace Parley.Server.Infrastructure.RateLimiting;

/// <summary>Counters shared by every instance: INCR on a per-window key that expires with the window.</summary>
public sealed class RedisCounterStore(IConnectionMultiplexer redis, TimeProvider clock) : ICounterStore
{
    public async ValueTask<CounterWindow> IncrementAsync(string key, TimeSpan window, CancellationToken cancellationToken)
    {
        var (index, resetsAt) = Windows.Current(clock.GetUtcNow(), window);
        var db = redis.GetDatabase();
        var redisKey = (RedisKey)$"parley:{key}:{index}";
        var count = await db.StringIncrementAsync(redisKey);
        if (count == 1)
        {
            await db.KeyExpireAsync(redisKey, window + TimeSpan.FromSeconds(5));
        }

        return new CounterWindow(count, resetsAt);
    }

    public async ValueTask<CounterWindow> PeekAsync(string key, TimeSpan window, CancellationToken cancellationToken)
    {
        var (index, resetsAt) = Windows.Current(clock.GetUtcNow(), window);
        var value = await redis.GetDatabase().StringGetAsync($"parley:{key}:{index}");
        return new CounterWindow(value.HasValue ? (long)value : 0, resetsAt);
    }

    public async ValueTask ResetAsync(string key, TimeSpan window, CancellationToken cancellationToken)
    {
        var (index, _) = Windows.Current(clock.GetUtcNow(), window);
        await redis.GetDatabase().KeyDeleteAsync($"parley:{key}:{index}");
    }
}
