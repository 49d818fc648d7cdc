using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Parley.Server.Infrastructure.Http;

public sealed class HttpOptions : IValidatableObject
{
    public const string Section = "Parley:Http";

    /// <summary>Origins allowed to call the API from a browser. Empty: no cross-origin access.</summary>
    public string[] CorsOrigins { get; set; } = [];

    /// <summary>Largest JSON request body in bytes (uploads raise it per endpoint).</summary>
    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Proxies whose X-Forwarded-For / X-Forwarded-Proto are trusted (IP addresses). With none here
    /// and none in <see cref="TrustedNetworks"/>, forwarded headers are ignored: any client could
    /// send them, and the client IP is what rate limits and login throttling count.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation (<c>10.0.0.0/8</c>).</summary>
    public string[] TrustedNetworks { get; set; } = [];

    public bool TrustsProxies => TrustedProxies.Length > 0 || TrustedNetworks.Length > 0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in TrustedProxies.Where(p => !IPAddress.TryParse(p, out _)))
        {
            yield return new ValidationResult($"'{proxy}' is not an IP address.", [nameof(TrustedProxies)]);
        }

        foreach (var network in TrustedNetworks.Where(n => !IPNetwork.TryParse(n, out _)))
        {
            yield return new ValidationResult($"'{network}' is not a network in CIDR notation (10.0.0.0/8).", [nameof(TrustedNetworks)]);
        }
    }

    /// <summary>One access log entry per request (method, path, status, duration, request id, caller).</summary>
    public bool AccessLog { get; set; } = true;
}
