using Parley.Server.ConversationModel;

namespace Parley.Server.Conversations;

/// <summary>The data of conversation.* domain events (webhook payloads, notifications), snake_case on the wire.</summary>
public sealed record ConversationEventData(
    Guid ConversationId, string Status, string? PreviousStatus, Guid? AssistantId, Guid? UserId, string? CustomerId, Guid? AssignedAgentId, string Channel,
    string Title, string? Reason)
{
    public static ConversationEventData From(Conversation c, string? previousStatus = null, string? reason = null)
        => new(c.Id, c.Status, previousStatus, c.AssistantId, c.UserId, c.CustomerId, c.AssignedAgentId, c.Channel, c.Title, reason);
}

/// <summary>
/// The data of <c>message.received</c>: a message a person wrote, as stored: a customer's (already redacted)
/// or an agent's reply. <c>type</c> (and <c>role</c>, the same value) is <c>user</c> or <c>agent</c>;
/// <c>sender_id</c> is who wrote it. Bot and system messages do not raise it.
/// </summary>
public sealed record MessageEventData(
    Guid ConversationId, Guid MessageId, string Role, string Type, string Content, string? Intent, double? Confidence, Guid? SenderId, DateTime CreatedAt)
{
    public static MessageEventData From(Message m) => new(m.ConversationId, m.Id, m.MessageType, m.MessageType, m.Content, m.Intent, m.Confidence, m.SenderId, m.CreatedAt);
}
