using System.Text.Json;

namespace Parley.Server.Realtime;

/// <summary>How hub events look on the wire, for every documented socket protocol at once.</summary>
public static class SocketEvents
{
    /// <summary>
    /// A stored message: Customer Care AI's <c>{type:"message", content, timestamp, metadata:{intent, confidence}}</c>
    /// and HeliosCS's <c>message</c>, with the full message under <c>message</c> and its sequence.
    /// </summary>
    public static object Message(ConversationEvent e)
    {
        var m = e.Data;
        return new Dictionary<string, object?>
        {
            ["type"] = "message",
            ["sequence"] = e.Sequence,
            ["conversation_id"] = e.ConversationId,
            ["session_id"] = e.ConversationId,
            ["message_id"] = Get(m, "id"),
            ["message_type"] = Get(m, "message_type"),
            ["content"] = Get(m, "content"),
            ["timestamp"] = e.Timestamp,
            ["metadata"] = new Dictionary<string, object?>
            {
                ["intent"] = Get(m, "intent"),
                ["confidence"] = m.ValueKind == JsonValueKind.Object && m.TryGetProperty("confidence", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetDouble() : null,
                ["message_type"] = Get(m, "message_type"),
            },
            ["message"] = m,
        };
    }

    /// <summary>typing, presence, escalation and the like: the event's data at the top level too.</summary>
    public static object Signal(ConversationEvent e)
    {
        var body = new Dictionary<string, object?>
        {
            ["type"] = e.Type,
            ["sequence"] = e.Sequence,
            ["conversation_id"] = e.ConversationId,
            ["session_id"] = e.ConversationId,
            ["actor_id"] = e.ActorId,
            ["timestamp"] = e.Timestamp,
            ["data"] = e.Data,
        };
        if (e.Data.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in e.Data.EnumerateObject())
            {
                body.TryAdd(property.Name, property.Value);
            }
        }

        return body;
    }

    public static object ForConversation(ConversationEvent e) => e.Type == "message" ? Message(e) : Signal(e);

    /// <summary>
    /// AI Assistant Platform's tenant-wide socket: notifications as <c>system_notification</c>, tenant-wide events
    /// (assistant status) under their own type, conversation events as <c>conversation_update</c>.
    /// </summary>
    public static object ForTenant(ConversationEvent e) => e.Type == Notifications.NotificationEvents.SocketType ? Notifications.NotificationPusher.ToWire(e)
        : e.ConversationId == Guid.Empty ? TenantWide(e) : new Dictionary<string, object?>
        {
            ["type"] = "conversation_update",
            ["event"] = e.Type,
            ["conversation_id"] = e.ConversationId,
            ["sequence"] = e.Sequence,
            ["timestamp"] = e.Timestamp,
            ["data"] = e.Data,
        };

    /// <summary>An event of the whole tenant (<c>assistant_status</c>): its data at the top level and under <c>data</c>.</summary>
    private static Dictionary<string, object?> TenantWide(ConversationEvent e)
    {
        var body = new Dictionary<string, object?> { ["type"] = e.Type, ["actor_id"] = e.ActorId, ["timestamp"] = e.Timestamp, ["data"] = e.Data };
        if (e.Data.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in e.Data.EnumerateObject())
            {
                body.TryAdd(property.Name, property.Value);
            }
        }

        return body;
    }

    private static string? Get(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
