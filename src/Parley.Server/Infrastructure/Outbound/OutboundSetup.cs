using Microsoft.Extensions.Options;

namespace Parley.Server.Infrastructure.Outbound;

/// <summary>
/// Registers the one HTTP client for user-chosen destinations: SSRF-guarded connects, no redirects
/// followed, no proxy, bounded timeouts. Features get it with
/// <c>IHttpClientFactory.CreateClient(OutboundHttp.ClientName)</c>.
/// </summary>
public static class OutboundHttp
{
    public const string ClientName = "parley-outbound";

    public static WebApplicationBuilder AddParleyOutbound(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboundOptions>().BindConfiguration(OutboundOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<OutboundGuard>();
        builder.Services.AddHttpClient(ClientName, (services, client) =>
            {
                client.Timeout = TimeSpan.FromSeconds(services.GetRequiredService<IOptions<OutboundOptions>>().Value.RequestTimeoutSeconds);
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Parley/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(services => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                ConnectTimeout = TimeSpan.FromSeconds(services.GetRequiredService<IOptions<OutboundOptions>>().Value.ConnectTimeoutSeconds),
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                ConnectCallback = services.GetRequiredService<OutboundGuard>().ConnectAsync,
            });
        return builder;
    }

    /// <summary>A short reason for a failed outbound call, fit for an API response or a delivery log (never a stack trace).</summary>
    public static string Describe(Exception exception) => exception switch
    {
        OutboundBlockedException blocked => "blocked: " + blocked.Message,
        HttpRequestException { InnerException: OutboundBlockedException blocked } => "blocked: " + blocked.Message,
        TaskCanceledException or OperationCanceledException or TimeoutException => "timeout: no answer in time",
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => "unreachable: the host name does not resolve",
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => "unreachable: connection refused or dropped",
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => "unreachable: TLS handshake failed",
        HttpRequestException http => "unreachable: " + http.Message,
        _ => "failed: " + exception.Message,
    };
}
