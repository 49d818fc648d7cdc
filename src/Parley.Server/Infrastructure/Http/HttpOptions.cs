using System.ComponentModel.DataAnnotations;

namespace Parley.Server.Infrastructure.Http;

public sealed class HttpOptions
{
    public const string Section = "Parley:Http";

    /// <summary>Origins allowed to call the API from a browser. Empty: no cross-origin access.</summary>
    public string[] CorsOrigins { get; set; } = [];

    /// <summary>Largest JSON request body in bytes (uploads raise it per endpoint).</summary>
    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Proxies whose X-Forwarded-For / X-Forwarded-Proto are trusted (IP addresses).</summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>One access log entry per request (method, path, status, duration, request id, caller).</summary>
    public bool AccessLog { get; set; } = true;
}
