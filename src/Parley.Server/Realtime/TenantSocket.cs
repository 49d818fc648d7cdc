using System.Net.WebSockets;
using Parley.Server.Auth;

namespace Parley.Server.Realtime;

/// <summary>
/// The AI Assistant Platform document's <c>/ws</c>: one socket per client for everything in the tenant it may see
/// (agents and admins: every conversation; customers: their own) as <c>conversation_update</c>.
/// <c>assistant_status</c> (tenant-wide events carry no conversation) and <c>system_notification</c> arrive here too.
/// </summary>
public sealed class TenantSocket(SocketConnection connection, ConversationEventHub hub, CurrentUser me)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var userId = me.UserId;
        var seesAll = me.IsAgentOrAdmin;
        using var subscription = hub.Subscribe(me.RequiredTenantId, null,
            e => e.Type == Notifications.NotificationEvents.SocketType ? e.OwnerId == userId : seesAll || e.OwnerId == userId || e.ConversationId == Guid.Empty, staff: seesAll);
        connection.Send(new { type = "connection_established", tenant_id = me.TenantId, user_id = userId, timestamp = DateTime.UtcNow });
        var pump = Task.Run(async () =>
        {
            await foreach (var e in subscription.Queue.Reader.ReadAllAsync(CancellationToken.None))
            {
                if (!connection.Send(SocketEvents.ForTenant(e)))
                {
                    return;
                }
            }

            if (subscription.Overflowed)
            {
                await connection.CloseAsync(WebSocketCloseStatus.PolicyViolation, "Too slow: events dropped");
            }
        }, CancellationToken.None);

        while (connection.IsOpen && await connection.ReceiveAsync(cancellationToken) is { } frame)
        {
            if (frame.TryGetProperty("type", out var type) && type.GetString() == "ping")
            {
                connection.Send(new { type = "pong", timestamp = DateTime.UtcNow });
            }
            else
            {
                connection.SendError("BAD_FRAME", "This socket only listens; send \"ping\" to check it.");
            }
        }

        subscription.Dispose();
        await pump;
    }
}
