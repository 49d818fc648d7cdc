using Microsoft.AspNetCore.HttpLogging;
using Microsoft.Extensions.Logging.Console;
using Parley.Server.Auth;

namespace Parley.Server.Infrastructure.Http;

/// <summary>
/// One access log entry per request (ASP.NET Core's HTTP logging, combined into a single entry):
/// method, path, status and duration, plus the request id and, once authentication has run, the
/// caller's user and tenant. Never the query string (WebSocket and SSE clients may carry a token
/// there), headers or bodies. Category <c>Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware</c>,
/// level Information; <c>Parley:Http:AccessLog=false</c> removes the middleware.
/// </summary>
public static class AccessLog
{
    /// <summary>ISO 8601 in UTC, so JSON logs from several instances sort and correlate.</summary>
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static WebApplicationBuilder AddParleyLogging(this WebApplicationBuilder builder)
    {
        // After the configuration binding, so a TimestampFormat from configuration wins.
        builder.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            if (string.IsNullOrEmpty(o.TimestampFormat))
            {
                o.TimestampFormat = TimestampFormat;
                o.UseUtcTimestamp = true;
            }
        });
        builder.Services.AddHttpLogging(o =>
        {
            o.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath
                | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
            o.CombineLogs = true;
        });
        builder.Services.AddSingleton<IHttpLoggingInterceptor, CallerInterceptor>();
        return builder;
    }

    private sealed class CallerInterceptor : IHttpLoggingInterceptor
    {
        public ValueTask OnRequestAsync(HttpLoggingInterceptorContext logContext) => ValueTask.CompletedTask;

        public ValueTask OnResponseAsync(HttpLoggingInterceptorContext logContext)
        {
            var context = logContext.HttpContext;
            logContext.AddParameter("RequestId", context.TraceIdentifier);
            if (context.User.FindFirst(ParleyClaims.UserId)?.Value is { } userId)
            {
                logContext.AddParameter("UserId", userId);
            }

            if (context.User.FindFirst(ParleyClaims.TenantId)?.Value is { } tenantId)
            {
                logContext.AddParameter("TenantId", tenantId);
            }

            return ValueTask.CompletedTask;
        }
    }
}
