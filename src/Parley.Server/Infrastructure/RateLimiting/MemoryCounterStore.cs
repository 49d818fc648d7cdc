using System.Collections.Concurrent;

namespace Parley.Server.Infrastructure.RateLimiting;

public sealed class MemoryCounterStore(TimeProvider clock) : ICounterStore
{
    private sealed class Counter(DateTimeOffset resetsAt)
    {
        public long Count;
        public DateTimeOffset ResetsAt { get; } = resetsAt;
    }

    private readonly ConcurrentDictionary<(string Key, long Window), Counter> _counters = new();
    private long _nextSweep;

    public ValueTask<CounterWindow> IncrementAsync(string key, TimeSpan window, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (index, resetsAt) = Windows.Current(now, window);
        var counter = _counters.GetOrAdd((key, index), static (_, r) => new Counter(r), resetsAt);
        var count = Interlocked.Increment(ref counter.Count);
        SweepExpired(now);
        return ValueTask.FromResult(new CounterWindow(count, resetsAt));
    }

    public ValueTask<CounterWindow> PeekAsync(string key, TimeSpan window, CancellationToken cancellationToken)
    {
        var (index, resetsAt) = Windows.Current(clock.GetUtcNow(), window);
        var count = _counters.TryGetValue((key, index), out var counter) ? Interlocked.Read(ref counter.Count) : 0;
        return ValueTask.FromResult(new CounterWindow(count, resetsAt));
    }

    public ValueTask ResetAsync(string key, TimeSpan window, CancellationToken cancellationToken)
    {
        var (index, _) = Windows.Current(clock.GetUtcNow(), window);
        _counters.TryRemove((key, index), out _);
        return ValueTask.CompletedTask;
    }

    public ValueTask DecrementAsync(string key, TimeSpan window, DateTimeOffset resetsAt, CancellationToken cancellationToken)
    {
        var (index, current) = Windows.Current(clock.GetUtcNow(), window);
        if (current == resetsAt && _counters.TryGetValue((key, index), out var counter))
        {
            Interlocked.Decrement(ref counter.Count);
        }

        return ValueTask.CompletedTask;
    }

    // Drop finished windows at most once a minute so memory stays bounded by active callers.
    private void SweepExpired(DateTimeOffset now)
    {
        var next = Interlocked.Read(ref _nextSweep);
        if (now.ToUnixTimeSeconds() < next || Interlocked.CompareExchange(ref _nextSweep, now.ToUnixTimeSeconds() + 60, next) != next)
        {
            return;
        }

        foreach (var (key, counter) in _counters)
        {
            if (counter.ResetsAt <= now)
            {
                _counters.TryRemove(key, out _);
            }
        }
    }
}
