using System.ComponentModel.DataAnnotations;

namespace Parley.Server.Infrastructure.Outbound;

/// <summary>
/// Calls Parley makes to addresses its users choose (webhooks, integrations, custom tools, URL
/// ingestion). Private, loopback, link-local and metadata addresses are refused unless listed in
/// <see cref="Allow"/>.
/// </summary>
public sealed class OutboundOptions
{
    public const string Section = "Parley:Outbound";

    /// <summary>Host names (exact, case-insensitive) or CIDR ranges / single IPs that may be reached although they are not public.</summary>
    public string[] Allow { get; set; } = [];

    /// <summary>Time allowed to open a connection.</summary>
    [Range(1, 120)]
    public int ConnectTimeoutSeconds { get; set; } = 5;

    /// <summary>Time allowed for a whole request unless the caller sets a shorter one.</summary>
    [Range(1, 600)]
    public int RequestTimeoutSeconds { get; set; } = 30;
}
