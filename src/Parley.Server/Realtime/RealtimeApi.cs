using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.RateLimiting;
using Parley.Server.Storage;

namespace Parley.Server.Realtime;

/// <summary>
/// Every documented WebSocket path: <c>/api/v1/chat/ws/{session_id}</c> (Integration Platform),
/// <c>/ws/conversations/{id}</c> (Customer Care AI), <c>/ws/chat/{session_id}</c> (HeliosCS) and <c>/ws</c> (AI Assistant Platform),
/// each also under the other prefix. They share one conversation protocol (see docs/realtime.md).
/// </summary>
public static class RealtimeApi
{
    public static WebApplication MapRealtime(this WebApplication app)
    {
        var group = app.MapGroup("").AllowAnonymous().RequireRateLimit(RateLimitPolicies.None).WithTags("Realtime").ExcludeFromDescription();
        foreach (var prefix in new[] { "", "/api/v1" })
        {
            group.Map(prefix + "/chat/ws/{id:guid}", ConversationAsync).AllowVisitors();
            group.Map(prefix + "/ws/conversations/{id:guid}", ConversationAsync).AllowVisitors();
            group.Map(prefix + "/ws/chat/{id:guid}", ConversationAsync).AllowVisitors();
            group.Map(prefix + "/ws", TenantAsync);
            // A client-chosen session id (the Integration Platform's session_123, Customer Care AI's conv_123), as on REST's session_id.
            group.Map(prefix + "/chat/ws/{externalId}", ExternalConversationAsync);
            group.Map(prefix + "/ws/conversations/{externalId}", ExternalConversationAsync);
            group.Map(prefix + "/ws/chat/{externalId}", ExternalConversationAsync);
        }

        return app;
    }

    private static Task ConversationAsync(HttpContext http, Guid id)
        => RunAsync(http, (connection, ct) => ActivatorUtilities.CreateInstance<ConversationSocket>(http.RequestServices, connection).RunAsync(id, ct));

    /// <summary>
    /// The caller's own conversation with that external id, started on first use; resolved after
    /// authentication, so another user's same string is never joined.
    /// </summary>
    private static Task ExternalConversationAsync(HttpContext http, string externalId)
        => RunAsync(http, async (connection, ct) =>
        {
            if (string.IsNullOrWhiteSpace(externalId) || externalId.Length > MaxExternalIdLength)
            {
                connection.SendError(ErrorCodes.Validation, $"A session id is a conversation id or a string of 1-{MaxExternalIdLength} characters.");
                await connection.CloseAsync(WebSocketCloseStatus.PolicyViolation, "invalid session id");
                return;
            }

            var id = await http.RequestServices.GetRequiredService<Conversations.ConversationService>().OwnByExternalIdOrStartAsync(externalId, ct);
            await ActivatorUtilities.CreateInstance<ConversationSocket>(http.RequestServices, connection).RunAsync(id, ct);
        });

    /// <summary>The same bound as REST's <c>session_id</c> (docs/security.md).</summary>
    private const int MaxExternalIdLength = 200;

    private static Task TenantAsync(HttpContext http)
        => RunAsync(http, (connection, ct) => ActivatorUtilities.CreateInstance<TenantSocket>(http.RequestServices, connection).RunAsync(ct));

    /// <summary>Upgrade, authenticate (query token, header or first frame), enforce the per-user limit, then run.</summary>
    private static async Task RunAsync(HttpContext http, Func<SocketConnection, CancellationToken, Task> run)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await ErrorWriter.WriteAsync(http, 400, "WEBSOCKET_REQUIRED", "This endpoint speaks WebSocket: send an upgrade request.");
            return;
        }

        var services = http.RequestServices;
        var limits = services.GetRequiredService<SocketLimits>();
        var perUser = services.GetRequiredService<IOptions<RateLimitingOptions>>().Value.WebSocketConnectionsPerUser;
        var me = services.GetRequiredService<CurrentUser>();
        if (me.IsAuthenticated && !limits.TryEnter(me.RequiredUserId, perUser))
        {
            await ErrorWriter.WriteAsync(http, 429, ErrorCodes.RateLimited, $"At most {perUser} open connections per user.");
            return;
        }

        var entered = me.IsAuthenticated;
        var json = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Parley.Realtime");
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        await using var connection = new SocketConnection(socket, json, logger);
        connection.Start(http.RequestAborted);
        try
        {
            if (!me.IsAuthenticated)
            {
                if (!await AuthenticateFirstFrameAsync(http, connection))
                {
                    connection.SendError(ErrorCodes.Authentication, "Authenticate with ?token= or a first frame {\"type\":\"auth\",\"token\":\"...\"}.");
                    await connection.CloseAsync(WebSocketCloseStatus.PolicyViolation, "authentication required");
                    return;
                }

                if (!limits.TryEnter(me.RequiredUserId, perUser))
                {
                    connection.SendError(ErrorCodes.RateLimited, $"At most {perUser} open connections per user.");
                    await connection.CloseAsync(WebSocketCloseStatus.PolicyViolation, "too many connections");
                    return;
                }

                entered = true;
            }

            using var registration = services.GetRequiredService<OpenSockets>().Register(Owner(me), connection);
            if (!await StillValidAsync(http, me))
            {
                // Revoked between authentication and registration: the revocation found no socket to close.
                connection.Terminate(ErrorCodes.Authentication, "Access revoked; authenticate again.", "access revoked");
            }

            await run(connection, http.RequestAborted);
        }
        finally
        {
            if (entered)
            {
                limits.Leave(me.RequiredUserId);
            }
        }
    }

    private static SocketOwner Owner(CurrentUser me)
        => new(me.RequiredTenantId, me.RequiredUserId, me.SessionId,
            Guid.TryParse(me.Principal.FindFirst(ParleyClaims.ApiKeyId)?.Value, out var keyId) ? keyId : null);

    /// <summary>Re-reads a session's state once the socket is registered (every later revocation closes it).</summary>
    private static async Task<bool> StillValidAsync(HttpContext http, CurrentUser me)
    {
        if (me.SessionId is not { } sessionId)
        {
            return true;
        }

        var snapshot = await http.RequestServices.GetRequiredService<PrincipalCheck>()
            .LoadAsync(http.RequestServices.GetRequiredService<ParleyDb>(), me.RequiredUserId, sessionId, http.RequestAborted);
        return snapshot is not null && snapshot.TenantId == me.TenantId && snapshot.Role == me.Role;
    }

    private static async Task<bool> AuthenticateFirstFrameAsync(HttpContext http, SocketConnection connection)
    {
        // Cancelling a WebSocket receive aborts the socket (the client saw 1006 and no reason), so the
        // wait for the first frame is a race against a delay; the caller then explains and closes.
        var receive = connection.ReceiveAsync(http.RequestAborted);
        if (await Task.WhenAny(receive, Task.Delay(TimeSpan.FromSeconds(10), http.RequestAborted)) != receive)
        {
            return false;
        }

        var frame = await receive;
        if (frame is not { } f || !f.TryGetProperty("token", out var token) || token.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var db = http.RequestServices.GetRequiredService<ParleyDb>();
        var principal = await http.RequestServices.GetRequiredService<SocketAuthentication>().ValidateAsync(token.GetString()!, db, http.RequestAborted);
        if (principal is null)
        {
            return false;
        }

        http.User = principal;
        // A visitor's token in the first frame meets the checks the HTTP pipeline would have made.
        return await http.RequestServices.GetRequiredService<IVisitorGate>().CheckAsync(http) is null;
    }
}
