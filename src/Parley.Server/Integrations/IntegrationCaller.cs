using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Parley.Server.Infrastructure.Outbound;
using Parley.Server.Infrastructure.Secrets;

namespace Parley.Server.Integrations;

/// <summary>An integration ready to call: its endpoint, settings and decrypted credentials (never logged).</summary>
public sealed record IntegrationConnection(Integration Integration, Uri Endpoint, JsonObject Config, IReadOnlyDictionary<string, string> Credentials)
{
    public string? Setting(string name) => Config[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;

    public string? Credential(string name) => Credentials.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
}

/// <summary>What came back from an integration; <see cref="Failure"/> is set when there is no usable answer.</summary>
public sealed record IntegrationResponse(int Status, JsonNode? Body, string? Text, string? Failure, string? Reason, double DurationMs)
{
    public bool Ok => Failure is null;
}

/// <summary>
/// Calls integrations through the shared SSRF-guarded outbound client, with the integration's
/// credentials, a time limit per call, and retries only for idempotent requests.
/// </summary>
public sealed class IntegrationCaller(IHttpClientFactory clients, SecretProtector secrets, IOptions<IntegrationOptions> options, ILogger<IntegrationCaller> logger)
{
    public IntegrationConnection? Connect(Integration integration)
    {
        var config = IntegrationConfig.Parse(integration.Config);
        var endpoint = IntegrationConfig.Endpoint(integration.IntegrationType, config);
        if (endpoint is null || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            return null;
        }

        var credentials = new Dictionary<string, string>(StringComparer.Ordinal);
        if (secrets.Unprotect(integration.Credentials) is { } plain && JsonNode.Parse(plain) is JsonObject stored)
        {
            foreach (var (key, value) in stored)
            {
                if (value is JsonValue v && v.TryGetValue<string>(out var s))
                {
                    credentials[key] = s;
                }
            }
        }

        return new IntegrationConnection(integration, uri, config, credentials);
    }

    public async Task<IntegrationResponse> SendAsync(
        IntegrationConnection connection, HttpMethod method, string relativePath, JsonNode? body, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var settings = options.Value;
        var url = Combine(connection.Endpoint, relativePath);
        var idempotent = method == HttpMethod.Get || method == HttpMethod.Head;
        var attempts = idempotent ? settings.Retries + 1 : 1;
        var started = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        using var http = clients.CreateClient(OutboundHttp.ClientName);
        IntegrationResponse? last = null;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(method, url);
                Authorize(request, connection);
                foreach (var (name, value) in headers ?? new Dictionary<string, string>())
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }

                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                if (body is not null)
                {
                    request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
                }

                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
                var text = await ReadAsync(response, settings.MaxResponseBytes, deadline.Token);
                last = Interpret((int)response.StatusCode, text, Elapsed(started));
                if (!(idempotent && IsTransient(response.StatusCode)))
                {
                    return last;
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException && !cancellationToken.IsCancellationRequested)
            {
                var reason = OutboundHttp.Describe(deadline.IsCancellationRequested ? new TimeoutException() : e);
                last = new IntegrationResponse(0, null, null, reason, reason[..reason.IndexOf(':', StringComparison.Ordinal)], Elapsed(started));
                if (deadline.IsCancellationRequested || reason.StartsWith("blocked", StringComparison.Ordinal))
                {
                    return last;
                }
            }

            if (attempt < attempts)
            {
                logger.LogInformation("Integration {IntegrationId} call failed ({Reason}); retrying", connection.Integration.Id, last.Reason);
                try
                {
                    await Task.Delay(settings.RetryDelayMilliseconds * attempt, deadline.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return last with { Failure = "timeout: no answer in time", Reason = "timeout" };
                }
            }
        }

        return last!;
    }

    private static double Elapsed(long started) => Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);

    private static bool IsTransient(HttpStatusCode status)
        => status is HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    private static IntegrationResponse Interpret(int status, string text, double durationMs)
    {
        JsonNode? json = null;
        try
        {
            json = text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
        }

        var (failure, reason) = status switch
        {
            >= 200 and < 300 => ((string?)null, (string?)null),
            401 => ("unauthorized: the credentials were refused (HTTP 401)", "unauthorized"),
            403 => ("forbidden: the credentials lack permission (HTTP 403)", "forbidden"),
            404 => ("not_found: the system answered HTTP 404", "not_found"),
            >= 300 and < 400 => ($"redirect: the system answered HTTP {status}; redirects are not followed, configure the final URL", "redirect"),
            _ => ($"http_error: the system answered HTTP {status}", "http_error"),
        };
        return new IntegrationResponse(status, json, text.Length <= 2000 ? text : text[..2000], failure, reason, durationMs);
    }

    private static async Task<string> ReadAsync(HttpResponseMessage response, int maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new HttpRequestException($"the response is larger than {maxBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The endpoint's path plus <paramref name="relativePath"/>: never another host.</summary>
    internal static Uri Combine(Uri endpoint, string relativePath)
    {
        var baseText = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        var path = relativePath.StartsWith('/') || relativePath.Length == 0 || relativePath.StartsWith('?') ? relativePath : "/" + relativePath;
        return new Uri(baseText + path);
    }

    private static void Authorize(HttpRequestMessage request, IntegrationConnection connection)
    {
        var c = connection;
        var type = c.Integration.IntegrationType;
        if (type == IntegrationTypes.Jira && c.Credential("email") is { } email && (c.Credential("api_token") ?? c.Credential("token")) is { } apiToken)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{email}:{apiToken}")));
        }
        else if (c.Credential("username") is { } user && c.Credential("password") is { } password)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }
        else if ((c.Credential("token") ?? c.Credential("api_token") ?? c.Credential("access_token")) is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (c.Credential("header_name") is { } header && c.Credential("header_value") is { } value)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }
    }
}
