using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Realtime;
using Parley.Server.Users;

namespace Parley.Server.Widget;

/// <summary>
/// The server side of a visitor token: it reaches only endpoints marked <see cref="VisitorAllowedMetadata"/>
/// (every other route answers 403, whatever it would answer anyone else), only from an Origin its
/// channel allows, and only while its channel is active. Cross-origin answers get CORS headers for
/// exactly that origin. Runs after authentication; the socket path that authenticates by first frame
/// asks <see cref="IVisitorGate"/> (<see cref="WidgetVisitorGate"/>), which makes the same checks.
/// </summary>
public sealed class VisitorGate(RequestDelegate next, WidgetDirectory directory)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (await CheckAsync(http, directory) is { } refusal)
        {
            await ErrorWriter.WriteAsync(http, 403, ErrorCodes.Authorization, refusal);
            return;
        }

        await next(http);
    }

    /// <summary>Null when the caller is not a visitor or may go on; otherwise why it is refused.</summary>
    public static async Task<string?> CheckAsync(HttpContext http, WidgetDirectory directory)
    {
        var role = http.User.FindFirst(ParleyClaims.Role)?.Value;
        if (role != Roles.Visitor)
        {
            return null;
        }

        if (http.GetEndpoint()?.Metadata.GetMetadata<VisitorAllowedMetadata>() is null)
        {
            return "A visitor token reaches only the chat widget's routes.";
        }

        if (!Guid.TryParse(http.User.FindFirst(ParleyClaims.UserId)?.Value, out var visitorId)
            || await directory.ByVisitorAsync(visitorId, http.RequestAborted) is not { IsActive: true } channel)
        {
            return "This widget channel is not active.";
        }

        if (http.Request.RouteValues.TryGetValue("websiteToken", out var token) && token is string t && t != channel.WebsiteToken)
        {
            return "This visitor token belongs to another widget channel.";
        }

        var origin = http.Request.Headers.Origin.ToString();
        if (!WidgetOrigins.Allows(channel.AllowedOrigins, origin, http.Request))
        {
            return "This origin is not allowed for this widget channel.";
        }

        WidgetCors.Allow(http, origin);
        return null;
    }
}

/// <summary>The visitor gate's checks for Realtime's sockets that authenticate by their first frame.</summary>
public sealed class WidgetVisitorGate(WidgetDirectory directory) : IVisitorGate
{
    public Task<string?> CheckAsync(HttpContext http) => VisitorGate.CheckAsync(http, directory);
}

/// <summary>
/// CORS for the widget: a preflight carries no token, so one to a widget path is answered for the
/// channel its website token names, and one to a chat surface the widget uses for any origin some
/// channel allows; the real request is then checked by <see cref="VisitorGate"/> or the handler.
/// It runs before the general CORS middleware, which would answer every preflight itself.
/// </summary>
public sealed class WidgetCors(RequestDelegate next, WidgetDirectory directory)
{
    private static readonly string[] VisitorSurfaces = ["/chat/stream", "/events"];

    public async Task InvokeAsync(HttpContext http)
    {
        var request = http.Request;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            await next(http);
            return;
        }

        var path = request.Path.Value ?? string.Empty;
        var api = path.StartsWith("/api/v1/", StringComparison.Ordinal) ? path[7..] : path;
        var preflight = HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Access-Control-Request-Method");
        bool? allowed = null;
        if (api.StartsWith("/widget/", StringComparison.Ordinal) && api.Split('/') is [_, _, var token, ..] && token.StartsWith(WidgetTokens.WebsitePrefix, StringComparison.Ordinal))
        {
            var channel = await directory.ByTokenAsync(token, http.RequestAborted);
            allowed = channel is { IsActive: true } && WidgetOrigins.Allows(channel.AllowedOrigins, origin, request);
            if (!preflight)
            {
                // Answers written before the endpoint runs (429 from the rate limiter, 401) must be
                // readable by the page too, or the widget sees only a network error.
                if (allowed == true)
                {
                    Allow(http, origin);
                }

                await next(http);
                return;
            }
        }

        if (!preflight)
        {
            await next(http);
            return;
        }
        else if (VisitorSurfaces.Any(s => api.EndsWith(s, StringComparison.Ordinal)))
        {
            var all = await directory.AllOriginsAsync(http.RequestAborted);
            allowed = WidgetOrigins.Allows(all, origin, request);
        }

        if (allowed is null)
        {
            await next(http);
            return;
        }

        if (allowed == true)
        {
            Allow(http, origin);
            http.Response.Headers.AccessControlAllowMethods = "GET, POST, OPTIONS";
            http.Response.Headers.AccessControlAllowHeaders = "authorization, content-type, last-event-id, accept";
            http.Response.Headers.AccessControlMaxAge = "600";
        }

        http.Response.StatusCode = 204;
    }

    public static void Allow(HttpContext http, string origin)
    {
        if (origin.Length == 0)
        {
            return;
        }

        var headers = http.Response.Headers;
        headers.AccessControlAllowOrigin = origin;
        headers.AccessControlExposeHeaders = "X-Request-ID, Retry-After";
        headers.Vary = "Origin";
    }
}
