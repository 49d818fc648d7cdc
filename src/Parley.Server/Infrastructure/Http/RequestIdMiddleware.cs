namespace Parley.Server.Infrastructure.Http;

/// <summary>
/// Takes the caller's X-Request-ID (when it is short and printable) or makes one, uses it as the
/// request's trace identifier (so errors carry it), echoes it, and puts it in the log scope.
/// </summary>
public sealed class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
{
    public const string Header = "X-Request-ID";

    public async Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[Header].ToString();
        var id = IsAcceptable(incoming) ? incoming : "req_" + Guid.CreateVersion7().ToString("N");
        context.TraceIdentifier = id;
        context.Response.Headers[Header] = id;
        using (logger.BeginScope("X-Request-ID {ParleyRequestId}", id))
        {
            await next(context);
        }
    }

    private static bool IsAcceptable(string value)
    {
        if (value.Length is 0 or > 128)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
            {
                return false;
            }
        }

        return true;
    }
}
