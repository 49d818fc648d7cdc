using System.ComponentModel.DataAnnotations;

namespace Parley.Server.Webhooks;

/// <summary>Outgoing delivery and incoming verification (<c>Parley:Webhooks</c>).</summary>
public sealed class WebhookOptions : IValidatableObject
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

    /// <summary>Deliveries to one endpoint in flight at once on one instance (a slow endpoint holds at most this many slots).</summary>
    [Range(1, 64)]
    public int MaxInFlightPerEndpoint { get; set; } = 2;

    /// <summary>Deliveries of one tenant in flight at once on one instance: the rest of <see cref="BatchSize"/> stays free for other tenants.</summary>
    [Range(1, 256)]
    public int MaxInFlightPerTenant { get; set; } = 8;

    /// <summary>Failed attempts in a row after which an endpoint's circuit opens (its deliveries are parked).</summary>
    [Range(1, 1_000_000)]
    public int CircuitBreakAfterFailures { get; set; } = 5;

    /// <summary>The first cool-off of an open circuit; it doubles with each further failed probe...</summary>
    [Range(1, 86_400)]
    public int CircuitOpenSeconds { get; set; } = 30;

    /// <summary>...up to this.</summary>
    [Range(1, 86_400)]
    public int CircuitMaxOpenSeconds { get; set; } = 600;

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

    /// <summary>How long the circuit stays open after <paramref name="consecutiveFailures"/> failures in a row (none below the threshold).</summary>
    public TimeSpan CircuitCoolOff(int consecutiveFailures)
    {
        if (consecutiveFailures < CircuitBreakAfterFailures)
        {
            return TimeSpan.Zero;
        }

        var doublings = Math.Min(consecutiveFailures - CircuitBreakAfterFailures, 20);
        return TimeSpan.FromSeconds(Math.Min((double)CircuitOpenSeconds * (1 << doublings), CircuitMaxOpenSeconds));
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxInFlightPerTenant > BatchSize)
        {
            yield return new ValidationResult($"MaxInFlightPerTenant ({MaxInFlightPerTenant}) cannot exceed BatchSize ({BatchSize}).", [nameof(MaxInFlightPerTenant)]);
        }

        if (CircuitMaxOpenSeconds < CircuitOpenSeconds)
        {
            yield return new ValidationResult($"CircuitMaxOpenSeconds ({CircuitMaxOpenSeconds}) cannot be below CircuitOpenSeconds ({CircuitOpenSeconds}).", [nameof(CircuitMaxOpenSeconds)]);
        }
    }

    /// <summary>The wait after failed attempt <paramref name="attempt"/> (1-based), jittered.</summary>
    public TimeSpan Backoff(int attempt, double random)
    {
        var baseDelay = RetrySchedule[Math.Clamp(attempt - 1, 0, RetrySchedule.Length - 1)];
        return TimeSpan.FromMilliseconds(baseDelay.TotalMilliseconds * BackoffScale * (0.8 + (0.4 * random)));
    }
}
