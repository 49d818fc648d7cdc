using System.Text.Json;
using Parley.Server.ConversationModel;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Validation;

namespace Parley.Server.Conversations;

/// <summary>Checks shared by every request that carries a customer message.</summary>
internal static class MessageRules
{
    public const int MaxLength = 8_000;

    public static IEnumerable<FieldError> Text(string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            yield return new FieldError(field, "Field required.");
        }
        else if (text.Length > MaxLength)
        {
            yield return new FieldError(field, $"At most {MaxLength} characters.");
        }
    }
}

/// <summary>Integration Platform: <c>POST /chat/sessions</c> starts a session with its first message.</summary>
public sealed record CreateChatSessionRequest(string? Message, JsonElement? Metadata) : IValidatable
{
    public IEnumerable<FieldError> Validate() => MessageRules.Text("message", Message);
}

/// <summary>
/// Three-Database Chatbot and HeliosCS name a session by its id or by a string the client chose (Three-Database Chatbot's
/// <c>"optional-session-id"</c>): a GUID is the conversation's id, anything else its external id.
/// </summary>
internal static class SessionIdRules
{
    public const int MaxLength = 200;

    public static IEnumerable<FieldError> Check(string? sessionId)
    {
        if (sessionId is null)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(sessionId))
        {
            yield return new FieldError("session_id", "Must not be blank: leave it out to start a new session.");
        }
        else if (sessionId.Length > MaxLength)
        {
            yield return new FieldError("session_id", $"At most {MaxLength} characters.");
        }
    }
}

/// <summary>Three-Database Chatbot: <c>POST /chat/message</c>; a new session is made when <c>session_id</c> is absent.</summary>
public sealed record ChatMessageRequest(string? Message, string? SessionId, JsonElement? Metadata) : IValidatable
{
    public IEnumerable<FieldError> Validate() => MessageRules.Text("message", Message).Concat(SessionIdRules.Check(SessionId));
}

/// <summary>HeliosCS: <c>POST /chat/process</c> with optional <c>context</c>, kept with the message.</summary>
public sealed record ChatProcessRequest(string? SessionId, string? Message, JsonElement? Context) : IValidatable
{
    public IEnumerable<FieldError> Validate() => MessageRules.Text("message", Message).Concat(SessionIdRules.Check(SessionId));
}

/// <summary>AI Assistant Platform (<c>assistant_id, title, initial_message</c>); Customer Care AI sends no body at all.</summary>
public sealed record CreateConversationRequest(Guid? AssistantId, string? Title, string? InitialMessage, JsonElement? Metadata) : IValidatable
{
    public IEnumerable<FieldError> Validate()
        => Check.MaxLength("title", Title, 200).Concat(InitialMessage is null ? [] : MessageRules.Text("initial_message", InitialMessage));
}

public sealed record Attachment(string? Type, string? Url, string? Name);

/// <summary>Customer Care AI sends <c>message</c> and <c>metadata</c>; AI Assistant Platform sends <c>content</c> and <c>attachments</c>.</summary>
public sealed record PostMessageRequest(string? Message, string? Content, JsonElement? Metadata, IReadOnlyList<Attachment>? Attachments) : IValidatable
{
    public string? Text => Message ?? Content;

    public IEnumerable<FieldError> Validate()
        => MessageRules.Text(Message is null ? "content" : "message", Text)
            .Concat(Attachments is { Count: > 10 } ? [new FieldError("attachments", "At most 10 attachments.")] : []);
}

/// <summary>HeliosCS: <c>POST /sessions/create</c>.</summary>
public sealed record CreateSessionRequest(string? CustomerId, string? Channel, JsonElement? Metadata) : IValidatable
{
    public IEnumerable<FieldError> Validate()
    {
        if (Channel is not null && !Channels.All.Contains(Channel))
        {
            yield return new FieldError("channel", $"One of: {string.Join(", ", Channels.All)}.");
        }

        foreach (var e in Check.MaxLength("customer_id", CustomerId, 200))
        {
            yield return e;
        }
    }
}

/// <summary>HeliosCS: <c>POST /messages/send</c> stores a message without asking the bot.</summary>
public sealed record SendMessageRequest(Guid? SessionId, string? Content, string? MessageType, JsonElement? Metadata) : IValidatable
{
    public IEnumerable<FieldError> Validate()
    {
        if (SessionId is null)
        {
            yield return new FieldError("session_id", "Field required.");
        }

        foreach (var e in MessageRules.Text("content", Content))
        {
            yield return e;
        }

        if (MessageType is not null && MessageType is not (MessageTypes.User or MessageTypes.Agent or MessageTypes.System))
        {
            yield return new FieldError("message_type", "One of: user, agent, system.");
        }
    }
}

/// <summary>HeliosCS: <c>POST /messages/{id}/feedback</c>.</summary>
public sealed record FeedbackRequest(int? Rating, string? Feedback, string? Category) : IValidatable
{
    public IEnumerable<FieldError> Validate()
    {
        if (Rating is null or < 1 or > 5)
        {
            yield return new FieldError("rating", "A whole number from 1 to 5.");
        }

        foreach (var e in Check.MaxLength("feedback", Feedback, 2000).Concat(Check.MaxLength("category", Category, 100)))
        {
            yield return e;
        }
    }
}

public sealed record FeedbackResponse(Guid Id, Guid MessageId, Guid SessionId, int Rating, string? Feedback, string? Category, DateTime CreatedAt);

public sealed record ChatSessionSummary(Guid SessionId, int MessageId, string Content, string MessageType, Dictionary<string, object?> Metadata);

public sealed record ChatSessionCreated(Guid SessionId, Guid MessageId, string Content, string MessageType, Dictionary<string, object?> Metadata, TurnResponse Response);

public sealed record HistoryResponse(Guid SessionId, IReadOnlyList<MessageView> Messages, int TotalMessages);
