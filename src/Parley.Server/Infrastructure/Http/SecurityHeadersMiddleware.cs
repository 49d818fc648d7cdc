namespace Parley.Server.Infrastructure.Http;

/// <summary>
/// The headers the HeliosCS document lists for every response. X-XSS-Protection keeps the documented value
/// although modern browsers ignore it; HSTS is added by UseHsts for https requests only.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpContext)state).Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers.XXSSProtection = "1; mode=block";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            if (!headers.ContainsKey("Content-Security-Policy"))
            {
                headers.ContentSecurityPolicy = "frame-ancestors 'none'";
            }

            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
