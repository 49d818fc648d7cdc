using System.ComponentModel.DataAnnotations;

namespace Parley.Server.Webhooks;

/// <summary>Outgoing delivery and incoming verification (<c>Parley:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Parley:Webhooks";

    /// <summary>
    /// Waits after failed attempts 1, 2, 3, ...: 5 s, 5 min, 30 min, 2 h, 5 h, then 10 h six times
    /// (12 attempts over about 2.8 days); each wait varies by ±20 % (jitter).
    /// </summary>
    public static readonly TimeSpan[] RetrySchedule =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(5),
        TimeSpan.FromHours(10), TimeSpan.FromHours(10), TimeSpan.FromHours(10), TimeSpan.FromHours(10), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    /// <summary>Multiplies every wait of <see cref="RetrySchedule"/> (tests make it tiny).</summary>
    [Range(0.0, 100.0)]
    public double BackoffScale { get; set; } = 1.0;

    /// <summary>How often the outbox is read when nothing wakes the worker sooner.</summary>
    [Range(10, 600_000)]
    public int PollIntervalMilliseconds { get; set; } = 5000;

    /// <summary>Time an endpoint has to answer one delivery.</summary>
    [Range(1, 120)]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Deliveries sent at once by one instance.</summary>
    [Range(1, 256)]
    public int BatchSize { get; set; } = 16;

    /// <summary>An endpoint is disabled after this many failed attempts in a row...</summary>
    [Range(1, 1_000_000)]
    public int DisableAfterConsecutiveFailures { get; set; } = 1000;

    /// <summary>...or when it has failed every attempt for this long (hours).</summary>
    [Range(1, 10_000)]
    public int DisableAfterFailingHours { get; set; } = 72;

    /// <summary>How long a tenant's subscriptions are cached by instances that did not change them.</summary>
    [Range(0, 3600)]
    public int SubscriptionCacheSeconds { get; set; } = 30;

    /// <summary>Incoming webhooks whose <c>webhook-timestamp</c> is further than this from now are refused.</summary>
    [Range(10, 3600)]
    public int InboundToleranceSeconds { get; set; } = 300;

    public int MaxAttempts => RetrySchedule.Length + 1;

    /// <summary>The wait after failed attempt <paramref name="attempt"/> (1-based), jittered.</summary>
    public TimeSpan Backoff(int attempt, double random)
    {
        var baseDelay = RetrySchedule[Math.Clamp(attempt - 1, 0, RetrySchedule.Length - 1)];
        return TimeSpan.FromMilliseconds(baseDelay.TotalMilliseconds * BackoffScale * (0.8 + (0.4 * random)));
    }
}
