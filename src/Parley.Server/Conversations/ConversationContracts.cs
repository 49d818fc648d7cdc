using System.Text.Json;
using System.Text.Json.Serialization;
using Parley.Server.ConversationModel;
using Parley.Server.Knowledge;
using Parley.Server.Understanding;

namespace Parley.Server.Conversations;

/// <summary>
/// A stored message as every document shows one: HeliosCS's Message (<c>id, session_id, content,
/// message_type, timestamp, status, metadata, citations, redactions</c>), Customer Care AI's
/// (<c>message_id, conversation_id, sender, message</c>) and Three-Database Chatbot's history (<c>actor</c>).
/// </summary>
public sealed record MessageView(
    Guid Id,
    Guid MessageId,
    Guid SessionId,
    Guid ConversationId,
    int Sequence,
    string MessageType,
    string Actor,
    string Sender,
    string Content,
    string Message,
    DateTime Timestamp,
    DateTime CreatedAt,
    string Status,
    string? Intent,
    double? Confidence,
    JsonElement Entities,
    JsonElement Citations,
    JsonElement Redactions,
    JsonElement Metadata)
{
    public static MessageView From(Message m) => new(
        m.Id, m.Id, m.ConversationId, m.ConversationId, m.Sequence, m.MessageType, m.MessageType, m.SenderId?.ToString() ?? m.MessageType,
        m.Content, m.Content, m.CreatedAt, m.CreatedAt, m.Status, m.Intent, m.Confidence,
        Parse(m.Entities), Parse(m.Citations), Parse(m.Redactions), Parse(m.Metadata));

    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}

/// <summary>A conversation as AI Assistant Platform and HeliosCS show it (and Customer Care AI's <c>conversation_id</c>, Integration Platform's <c>session_id</c>).</summary>
public sealed record ConversationView(
    Guid Id,
    Guid ConversationId,
    Guid SessionId,
    string Title,
    Guid? AssistantId,
    Guid? UserId,
    string? CustomerId,
    string Channel,
    string Status,
    int TotalMessages,
    int LastSequence,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? LastMessageAt,
    DateTime? EndedAt,
    JsonElement Metadata,
    Guid? AssignedAgentId,
    DateTime? EscalatedAt,
    string? EscalationReason,
    IReadOnlyList<MessageView>? Messages,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Tags = null)
{
    public static ConversationView From(Conversation c, IReadOnlyList<Message>? messages = null) => new(
        c.Id, c.Id, c.Id, c.Title, c.AssistantId, c.UserId, c.CustomerId, c.Channel, c.Status, c.MessageCount, c.LastSequence,
        c.CreatedAt, c.UpdatedAt, c.LastMessageAt, c.EndedAt, MessageView.Parse(c.Metadata), c.AssignedAgentId, c.EscalatedAt, c.EscalationReason,
        messages?.Select(MessageView.From).ToList());
}

/// <summary>
/// One answered turn with every documented field: Three-Database Chatbot's <c>response, session_id, confidence,
/// cached, response_time_ms</c>; HeliosCS's <c>citations, redactions, escalation_needed, intent,
/// entities</c> (entities as HeliosCS's flat object; the full list is <c>entity_list</c>).
/// </summary>
public sealed record TurnResponse(
    string Response,
    Guid SessionId,
    Guid ConversationId,
    Guid MessageId,
    Guid? ResponseMessageId,
    double Confidence,
    bool Cached,
    double ResponseTimeMs,
    IReadOnlyList<CitationView> Citations,
    IReadOnlyList<RedactionView> Redactions,
    bool EscalationNeeded,
    string? EscalationReason,
    string Intent,
    Dictionary<string, object?> Entities,
    IReadOnlyList<EntityView> EntityList,
    int TokensUsed,
    string Engine,
    string[] DatabasesUsed)
{
    public static TurnResponse From(TurnResult t, string database) => new(
        t.Answer.Text, t.Conversation.Id, t.Conversation.Id, t.UserMessage.Id, t.BotMessage?.Id, t.Answer.Confidence, t.Cached, t.ResponseTimeMs,
        t.Answer.Citations, t.Redactions, t.EscalationNeeded, t.EscalationReason, t.Understanding.Intent,
        Flatten(t.Understanding.Entities), t.Understanding.Entities, t.Answer.TokensUsed, t.Answer.Engine, [database]);

    /// <summary>HeliosCS's <c>{"type": value}</c> form: the first value of each type.</summary>
    public static Dictionary<string, object?> Flatten(IReadOnlyList<EntityView> entities)
    {
        var flat = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var e in entities)
        {
            flat.TryAdd(e.Type, e.Value ?? e.Text);
        }

        return flat;
    }
}

/// <summary>Customer Care AI's <c>response</c> object inside a posted message's answer.</summary>
public sealed record NluResponse(string Text, string Intent, double Confidence, IReadOnlyList<EntityView> Entities, IReadOnlyList<CitationView> Citations, bool EscalationNeeded);

/// <summary>
/// The answer to posting a message into a conversation (Customer Care AI and AI Assistant Platform): the stored user message
/// (<c>message_id, conversation_id, sender, message, content, timestamp</c>), the reply under
/// <c>response</c>, and the reply as a message of its own.
/// </summary>
public sealed record PostedMessageResponse(
    Guid MessageId,
    Guid Id,
    Guid ConversationId,
    string Sender,
    string Message,
    string Content,
    DateTime Timestamp,
    NluResponse Response,
    MessageView UserMessage,
    MessageView? AssistantMessage,
    IReadOnlyList<RedactionView> Redactions,
    bool Cached,
    double ResponseTimeMs)
{
    public static PostedMessageResponse From(TurnResult t) => new(
        t.UserMessage.Id, t.UserMessage.Id, t.Conversation.Id, t.UserMessage.SenderId?.ToString() ?? MessageTypes.User, t.UserMessage.Content,
        t.UserMessage.Content, t.UserMessage.CreatedAt,
        new NluResponse(t.Answer.Text, t.Understanding.Intent, t.Answer.Confidence, t.Understanding.Entities, t.Answer.Citations, t.EscalationNeeded),
        MessageView.From(t.UserMessage), t.BotMessage is null ? null : MessageView.From(t.BotMessage), t.Redactions, t.Cached, t.ResponseTimeMs);
}
