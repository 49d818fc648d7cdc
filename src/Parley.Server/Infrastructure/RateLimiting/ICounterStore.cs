namespace Parley.Server.Infrastructure.RateLimiting;

public readonly record struct CounterWindow(long Count, DateTimeOffset ResetsAt);

/// <summary>
/// Fixed-window counters aligned to the Unix epoch, so every instance agrees on when a window
/// resets. In memory for one instance; Redis when several share the load.
/// </summary>
public interface ICounterStore
{
    ValueTask<CounterWindow> IncrementAsync(string key, TimeSpan window, CancellationToken cancellationToken);
    ValueTask<CounterWindow> PeekAsync(string key, TimeSpan window, CancellationToken cancellationToken);
    ValueTask ResetAsync(string key, TimeSpan window, CancellationToken cancellationToken);

    /// <summary>
    /// Gives back one count taken by <see cref="IncrementAsync"/> in the window that resets at
    /// <paramref name="resetsAt"/>; nothing when that window has ended.
    /// </summary>
    ValueTask DecrementAsync(string key, TimeSpan window, DateTimeOffset resetsAt, CancellationToken cancellationToken);
}

internal static class Windows
{
    public static (long Index, DateTimeOffset ResetsAt) Current(DateTimeOffset now, TimeSpan window)
    {
        var seconds = (long)window.TotalSeconds;
        var index = now.ToUnixTimeSeconds() / seconds;
        return (index, DateTimeOffset.FromUnixTimeSeconds((index + 1) * seconds));
    }
}
