using System.ComponentModel.DataAnnotations;

namespace Parley.Server.Integrations;

/// <summary>Bounds on calls to integrations (on top of the shared outbound client's own limits).</summary>
public sealed class IntegrationOptions
{
    public const string Section = "Parley:Integrations";

    /// <summary>Time allowed for one call, retries included.</summary>
    [Range(1, 120)]
    public int TimeoutSeconds { get; set; } = 15;

    /// <summary>Extra attempts for idempotent requests (GET) that fail to connect or answer 429/502/503/504.</summary>
    [Range(0, 5)]
    public int Retries { get; set; } = 2;

    [Range(0, 10_000)]
    public int RetryDelayMilliseconds { get; set; } = 200;

    /// <summary>Longest response body read from an integration.</summary>
    [Range(1024, 50_000_000)]
    public int MaxResponseBytes { get; set; } = 2_000_000;
}
