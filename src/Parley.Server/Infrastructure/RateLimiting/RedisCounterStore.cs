using Microsoft.Extensions.Options;
using Parley.Server.Infrastructure.Redis;
using StackExchange.Redis;

namespace Parley.Server.Infrastructure.RateLimiting;

/// <summary>Counters shared by every instance: INCR on a per-window key that expires with the window.</summary>
public sealed class RedisCounterStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options, TimeProvider clock) : ICounterStore
{
    private readonly string _prefix = options.Value.KeyPrefix;

    public async ValueTask<CounterWindow> IncrementAsync(string key, TimeSpan window, CancellationToken cancellationToken)
    {
        var (index, resetsAt) = Windows.Current(clock.GetUtcNow(), window);
        var db = redis.GetDatabase();
        var redisKey = (RedisKey)$"{_prefix}{key}:{index}";
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
        var value = await redis.GetDatabase().StringGetAsync($"{_prefix}{key}:{index}");
        return new CounterWindow(value.HasValue ? (long)value : 0, resetsAt);
    }

    public async ValueTask DecrementAsync(string key, TimeSpan window, DateTimeOffset resetsAt, CancellationToken cancellationToken)
    {
        // The key outlives its window by 5 s, so while the window is current it still exists and
        // DECR never creates a stray negative counter.
        var (index, current) = Windows.Current(clock.GetUtcNow(), window);
        if (current == resetsAt)
        {
            await redis.GetDatabase().StringDecrementAsync($"{_prefix}{key}:{index}");
        }
    }

    public async ValueTask ResetAsync(string key, TimeSpan window, CancellationToken cancellationToken)
    {
        var (index, _) = Windows.Current(clock.GetUtcNow(), window);
        await redis.GetDatabase().KeyDeleteAsync($"{_prefix}{key}:{index}");
    }
}
