using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Parley.Server.Auth;

/// <summary>
/// Browsers cannot set headers on a WebSocket (or EventSource), so the JWT handler also reads
/// <c>?token=</c> or <c>?access_token=</c>, for upgrade and event-stream requests only (tokens stay out
/// of ordinary URLs), and never over an <c>Authorization</c> header.
/// </summary>
public static class StreamQueryTokens
{
    public static Task ReadAsync(MessageReceivedContext context)
    {
        var request = context.Request;
        var streaming = context.HttpContext.WebSockets.IsWebSocketRequest
            || request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase);
        var token = request.Query["token"].ToString();
        if (token.Length == 0)
        {
            token = request.Query["access_token"].ToString();
        }

        if (streaming && token.Length > 0 && string.IsNullOrEmpty(request.Headers.Authorization))
        {
            context.Token = token;
        }

        return Task.CompletedTask;
    }
}
