using System.Text.Json;
using System.Threading.Channels;
using Parley.Server.Realtime;
using Parley.Server.Webhooks;

namespace Parley.Server.Notifications;

public sealed record NotificationView(Guid Id, string Type, string Category, string Title, string Message, JsonElement Data, DateTime CreatedAt, bool Read)
{
    public static NotificationView From(Notification n)
    {
        using var document = JsonDocument.Parse(n.Data);
        return new(n.Id, n.Type, n.Category, n.Title, n.Message, document.RootElement.Clone(), n.CreatedAt, n.ReadAt is not null);
    }
}

/// <summary>
/// Pushes stored notifications to their user's <c>/ws</c> sockets, on this instance and (through
/// the event hub's relay, PostgreSQL LISTEN/NOTIFY) on every other. Saves hand notifications over
/// through a queue so the request that raised them never waits on the push.
/// </summary>
public sealed class NotificationPusher(ConversationEventHub hub, ILogger<NotificationPusher> logger) : BackgroundService
{
    private readonly Channel<Notification> _queue = Channel.CreateBounded<Notification>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });

    public void Push(IEnumerable<Notification> notifications)
    {
        foreach (var notification in notifications)
        {
            _queue.Writer.TryWrite(notification);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var n in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    var data = JsonSerializer.SerializeToElement(NotificationView.From(n), WebhookOutbox.Json);
                    await hub.PublishAsync(new ConversationEvent(n.TenantId, Guid.Empty, n.UserId, 0, NotificationEvents.SocketType, data, n.CreatedAt), stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Could not push notification {NotificationId}; it stays listed in /notifications", n.Id);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>How a pushed notification looks on <c>/ws</c>: <c>{type:"system_notification", notification:{...}}</c> plus its fields at the top level.</summary>
    public static object ToWire(ConversationEvent e)
    {
        var body = new Dictionary<string, object?> { ["type"] = NotificationEvents.SocketType, ["timestamp"] = e.Timestamp, ["notification"] = e.Data };
        if (e.Data.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in e.Data.EnumerateObject())
            {
                body.TryAdd(property.Name == "type" ? "notification_type" : property.Name, property.Value);
            }
        }

        return body;
    }
}
