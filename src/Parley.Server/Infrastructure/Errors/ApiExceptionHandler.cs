using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Parley.Server.Infrastructure.Errors;

/// <summary>
/// The one place exceptions meet: request-shape failures (bad JSON, wrong content type, oversize
/// bodies) become 4xx envelopes with the offending field; anything else is logged and answered with
/// a generic 500 that never carries a stack trace.
/// </summary>
public sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.Response.HasStarted)
        {
            logger.LogWarning(exception, "Request failed after the response started");
            return false;
        }

        if (exception is IWritesOwnResponse own)
        {
            await own.WriteAsync(httpContext);
            return true;
        }

        var (status, code, message, details) = Describe(exception);
        if (status >= 500)
        {
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        }
        else
        {
            logger.LogInformation("Rejected request {Method} {Path}: {Status} {Code}", httpContext.Request.Method, httpContext.Request.Path, status, code);
        }

        await ErrorWriter.WriteAsync(httpContext, status, code, message, details);
        return true;
    }

    internal static (int Status, string Code, string Message, IReadOnlyList<FieldError>? Details) Describe(Exception exception)
    {
        var json = FindJsonException(exception);
        if (json is not null)
        {
            var field = JsonPathToField(json.Path);
            // System.Text.Json reports syntax errors with its internal reader exception type (often
            // wrapped in a JsonException that adds the path) and type mismatches with a plain one.
            var syntax = IsReaderError(json);
            return syntax
                ? (400, ErrorCodes.MalformedJson, "The request body is not valid JSON.", field is null ? null : [new FieldError(field, "Malformed JSON near this field.")])
                : (422, ErrorCodes.Validation, "The request data is not valid.", [new FieldError(field ?? "body", "Value has the wrong type or format.")]);
        }

        return exception switch
        {
            BadHttpRequestException bad when bad.StatusCode == 413 => (413, ErrorCodes.PayloadTooLarge, "The request body is too large.", null),
            BadHttpRequestException bad when bad.StatusCode == 415 => (415, ErrorCodes.UnsupportedMediaType, "Unsupported content type: send application/json.", null),
            BadHttpRequestException bad => (bad.StatusCode, ErrorCodes.ForStatus(bad.StatusCode), SafeMessage(bad), null),
            OperationCanceledException => (499, "CLIENT_CLOSED_REQUEST", "The request was cancelled.", null),
            _ => (500, ErrorCodes.Internal, ErrorCodes.DefaultMessage(500), null),
        };
    }

    private static JsonException? FindJsonException(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is JsonException json)
            {
                return json;
            }
        }

        return null;
    }

    private static bool IsReaderError(JsonException json)
    {
        for (Exception? e = json; e is not null; e = e.InnerException)
        {
            if (e is JsonException && e.GetType() != typeof(JsonException))
            {
                return true;
            }
        }

        return false;
    }

    // "$.user.full_name" -> "user.full_name"; "$" -> null
    private static string? JsonPathToField(string? path)
        => string.IsNullOrEmpty(path) || path == "$" ? null : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    // Framework messages for bad requests name parameters, never internals; still keep them short.
    private static string SafeMessage(BadHttpRequestException bad)
        => bad.Message.Length <= 200 ? bad.Message : ErrorCodes.DefaultMessage(bad.StatusCode);
}
