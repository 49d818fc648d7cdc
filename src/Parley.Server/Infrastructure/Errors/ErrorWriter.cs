using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Parley.Server.Infrastructure.Errors;

/// <summary>Writes the error envelope; the only place that serialises an <see cref="ApiError"/>.</summary>
public static class ErrorWriter
{
    public static Task WriteAsync(HttpContext context, int status, string? code = null, string? message = null, IReadOnlyList<FieldError>? details = null)
    {
        var clock = context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var error = ApiError.Create(
            status,
            code ?? ErrorCodes.ForStatus(status),
            message ?? ErrorCodes.DefaultMessage(status),
            details,
            context.TraceIdentifier,
            clock.GetUtcNow().UtcDateTime);
        context.Response.StatusCode = status;
        // The exception handler clears headers before it gets here; the id must survive.
        context.Response.Headers["X-Request-ID"] = context.TraceIdentifier;
        return context.Response.WriteAsJsonAsync(error, json, contentType: "application/json; charset=utf-8");
    }
}
