using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Server.ConversationModel;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Pagination;
using Parley.Server.Infrastructure.RateLimiting;
using Parley.Server.Storage;

namespace Parley.Server.Conversations;

/// <summary>The chat surfaces of the Integration Platform document (<c>/chat/sessions</c>), Three-Database Chatbot (<c>/chat/message</c>, <c>/chat/history</c>) and HeliosCS (<c>/chat/process</c>).</summary>
public static class ChatApi
{
    public static RouteGroupBuilder MapChat(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/chat").WithTags("Chat");
        group.MapPost("/sessions", CreateSessionAsync).RequireRateLimit(RateLimitPolicies.Chat);
        group.MapGet("/sessions", ListSessionsAsync);
        group.MapPost("/message", MessageAsync).RequireRateLimit(RateLimitPolicies.Chat);
        group.MapGet("/history/{sessionId:guid}", HistoryAsync);
        group.MapPost("/process", ProcessAsync).RequireRateLimit(RateLimitPolicies.Chat);
        return group;
    }

    private static async Task<Created<ChatSessionCreated>> CreateSessionAsync(
        CreateChatSessionRequest request, ConversationService conversations, TurnPipeline turns, ParleyDb db, CancellationToken cancellationToken)
    {
        var conversation = await conversations.StartAsync(null, cancellationToken: cancellationToken);
        var turn = await turns.RunAsync(conversation, request.Message!, request.Metadata, cancellationToken);
        var body = new ChatSessionCreated(conversation.Id, turn.UserMessage.Id, turn.UserMessage.Content, MessageTypes.User,
            new Dictionary<string, object?> { ["session_title"] = conversation.Title, ["status"] = conversation.Status },
            TurnResponse.From(turn, DatabaseName(db)));
        return TypedResults.Created($"/api/v1/conversations/{conversation.Id}", body);
    }

    private static async Task<Results<ArrayPageResult<ChatSessionSummary>, ErrorResult>> ListSessionsAsync(
        ConversationService conversations, PageQuery query, CancellationToken cancellationToken)
    {
        var page = await ConversationsApi.ListSpec.ToPageAsync(conversations.Visible().AsNoTracking(), query, c => new ChatSessionSummary(c.Id, 0, c.Title, "session",
            new Dictionary<string, object?> { ["status"] = c.Status, ["total_messages"] = c.MessageCount, ["created_at"] = c.CreatedAt, ["last_message_at"] = c.LastMessageAt }), cancellationToken);
        return page.Result switch
        {
            PagedResult<ChatSessionSummary> paged => new ArrayPageResult<ChatSessionSummary>(paged.Value),
            ErrorResult error => error,
            _ => throw new InvalidOperationException("Unexpected list result."),
        };
    }

    private static async Task<Results<Ok<TurnResponse>, ErrorResult>> MessageAsync(
        ChatMessageRequest request, ConversationService conversations, TurnPipeline turns, ParleyDb db, CancellationToken cancellationToken)
        => await TurnAsync(request.SessionId, request.Message!, request.Metadata, conversations, turns, db, cancellationToken);

    private static async Task<Results<Ok<TurnResponse>, ErrorResult>> ProcessAsync(
        ChatProcessRequest request, ConversationService conversations, TurnPipeline turns, ParleyDb db, CancellationToken cancellationToken)
    {
        System.Text.Json.JsonElement? metadata = request.Context is { } context
            ? System.Text.Json.JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["context"] = context })
            : null;
        return await TurnAsync(request.SessionId, request.Message!, metadata, conversations, turns, db, cancellationToken);
    }

    private static async Task<Results<Ok<HistoryResponse>, ErrorResult>> HistoryAsync(
        Guid sessionId, ConversationService conversations, CancellationToken cancellationToken)
    {
        if (await conversations.FindAsync(sessionId, cancellationToken) is not { } conversation)
        {
            return ErrorResult.NotFound("Session");
        }

        var messages = await conversations.MessagesAsync(conversation.Id, 0, 1000, cancellationToken);
        return TypedResults.Ok(new HistoryResponse(conversation.Id, messages.Select(MessageView.From).ToList(), conversation.MessageCount));
    }

    /// <summary>Runs a turn in the given conversation, or in a new one when none is named.</summary>
    internal static async Task<Results<Ok<TurnResponse>, ErrorResult>> TurnAsync(
        string? sessionId, string text, System.Text.Json.JsonElement? metadata, ConversationService conversations, TurnPipeline turns, ParleyDb db,
        CancellationToken cancellationToken)
    {
        var (target, error) = await conversations.ForSessionTurnAsync(sessionId, cancellationToken);
        if (target is null)
        {
            return error!;
        }

        var turn = await turns.RunAsync(target, text, metadata, cancellationToken);
        return TypedResults.Ok(TurnResponse.From(turn, DatabaseName(db)));
    }

    internal static string DatabaseName(ParleyDb db) => db.Database.IsNpgsql() ? "postgresql" : "sqlite";
}
