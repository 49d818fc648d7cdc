using System.Net;
using System.Text.Json;

namespace Parley.Client;

/// <summary>One field's problem from the error envelope's <c>error.details</c>.</summary>
public sealed record ParleyErrorDetail(string? Field, string Message);

/// <summary>
/// Every failure the server answers (its error envelope: <c>error.code</c>, <c>message</c>,
/// <c>details</c>, <c>request_id</c>) and every failure to reach it (<see cref="Code"/>
/// <c>UNREACHABLE</c>, <see cref="Status"/> 0). The one exception type of this library.
/// </summary>
public sealed class ParleyApiException : Exception
{
    public const string Unreachable = "UNREACHABLE";

    public ParleyApiException(int status, string code, string message, IReadOnlyList<ParleyErrorDetail>? details = null, string? requestId = null,
        TimeSpan? retryAfter = null, Exception? inner = null)
        : base(message, inner)
    {
        Status = status;
        Code = code;
        Details = details ?? [];
        RequestId = requestId;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status; 0 when the server could not be reached.</summary>
    public int Status { get; }

    /// <summary><c>VALIDATION_ERROR</c>, <c>NOT_FOUND</c>, ... (docs/api-conventions.md), or <c>UNREACHABLE</c>.</summary>
    public string Code { get; }

    public IReadOnlyList<ParleyErrorDetail> Details { get; }

    /// <summary>The server's request id (also its <c>X-Request-ID</c> header), to quote in a bug report.</summary>
    public string? RequestId { get; }

    /// <summary>From <c>Retry-After</c> on a 429.</summary>
    public TimeSpan? RetryAfter { get; }

    public HttpStatusCode StatusCode => (HttpStatusCode)Status;

    internal static async Task<ParleyApiException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var requestId = response.Headers.TryGetValues("X-Request-ID", out var ids) ? ids.FirstOrDefault() : null;
        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => (TimeSpan?)null,
        };
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            text = "";
        }

        return Parse(status, text, requestId, retryAfter);
    }

    internal static ParleyApiException Parse(int status, string text, string? requestId, TimeSpan? retryAfter)
    {
        var code = DefaultCode(status);
        var message = $"The server answered {status}.";
        var details = new List<ParleyErrorDetail>();
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
                {
                    message = detail.GetString()!;
                }

                if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                {
                    code = String(error, "code") ?? code;
                    message = String(error, "message") ?? message;
                    requestId = String(error, "request_id") ?? requestId;
                    if (error.TryGetProperty("details", out var list) && list.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var item in list.EnumerateArray())
                        {
                            if (item.ValueKind == JsonValueKind.Object)
                            {
                                details.Add(new ParleyErrorDetail(String(item, "field"), String(item, "message") ?? ""));
                            }
                        }
                    }

                    if (retryAfter is null && error.TryGetProperty("retry_after", out var seconds) && seconds.TryGetDouble(out var s))
                    {
                        retryAfter = TimeSpan.FromSeconds(s);
                    }
                }
                else if (String(root, "error_code") is { } errorCode)
                {
                    code = errorCode;
                }
            }
        }
        catch (JsonException)
        {
            // Not Parley's envelope (a proxy's HTML page, an empty body): keep the status-derived code.
        }

        return new ParleyApiException(status, code, message, details, requestId, retryAfter);
    }

    private static string? String(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string DefaultCode(int status) => status switch
    {
        400 => "BAD_REQUEST",
        401 => "AUTHENTICATION_ERROR",
        403 => "AUTHORIZATION_ERROR",
        404 => "NOT_FOUND",
        405 => "METHOD_NOT_ALLOWED",
        409 => "CONFLICT",
        413 => "PAYLOAD_TOO_LARGE",
        415 => "UNSUPPORTED_MEDIA_TYPE",
        422 => "VALIDATION_ERROR",
        429 => "RATE_LIMIT_EXCEEDED",
        _ => "INTERNAL_ERROR",
    };

    /// <summary>One readable line: the message, each field's problem, and when to retry.</summary>
    public string ToDisplayString()
    {
        var line = Message;
        if (Details.Count > 0)
        {
            line += " (" + string.Join("; ", Details.Select(d => d.Field is { Length: > 0 } f ? $"{f}: {d.Message}" : d.Message)) + ")";
        }

        if (RetryAfter is { } wait)
        {
            line += $" Retry in {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} s.";
        }

        return line;
    }
}
