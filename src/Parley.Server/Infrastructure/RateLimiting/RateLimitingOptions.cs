using System.ComponentModel.DataAnnotations;

namespace Parley.Server.Infrastructure.RateLimiting;

/// <summary>
/// Named request budgets per fixed window. Authenticated callers are counted per user, anonymous
/// ones per client IP. Defaults come from the reference documents (docs/api-conventions.md).
/// </summary>
public sealed class RateLimitingOptions
{
    public const string Section = "Parley:RateLimiting";

    public bool Enabled { get; set; } = true;
    public RateLimitPolicyOptions General { get; set; } = new() { PerUser = 1000, PerIp = 100 };
    public RateLimitPolicyOptions Auth { get; set; } = new() { PerUser = 10, PerIp = 10 };
    public RateLimitPolicyOptions Chat { get; set; } = new() { PerUser = 50, PerIp = 50 };
    public RateLimitPolicyOptions Upload { get; set; } = new() { PerUser = 10, PerIp = 10 };

    /// <summary>New and refreshed widget visitors (anonymous, so counted per client IP).</summary>
    public RateLimitPolicyOptions WidgetVisitors { get; set; } = new() { PerUser = 30, PerIp = 30 };

    /// <summary>Concurrent WebSocket connections one user may hold (the Customer Care AI document).</summary>
    [Range(1, 100_000)] public int WebSocketConnectionsPerUser { get; set; } = 10;

    public RateLimitPolicyOptions? For(string policy) => policy switch
    {
        RateLimitPolicies.General => General,
        RateLimitPolicies.Auth => Auth,
        RateLimitPolicies.Chat => Chat,
        RateLimitPolicies.Upload => Upload,
        RateLimitPolicies.WidgetVisitors => WidgetVisitors,
        _ => null,
    };
}

public sealed class RateLimitPolicyOptions
{
    [Range(1, int.MaxValue)] public int PerUser { get; set; } = 100;
    [Range(1, int.MaxValue)] public int PerIp { get; set; } = 100;
    [Range(1, 86_400)] public int WindowSeconds { get; set; } = 60;
}

public static class RateLimitPolicies
{
    public const string General = "general";
    public const string Auth = "auth";
    public const string Chat = "chat";
    public const string Upload = "upload";
    public const string WidgetVisitors = "widget_visitors";

    /// <summary>Exempt: health probes must never be throttled.</summary>
    public const string None = "none";
}

/// <summary>Endpoint metadata naming the budget a route draws from; the innermost one wins.</summary>
public sealed record RateLimitPolicyMetadata(string Policy);
