using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.ConversationModel;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Pagination;
using Parley.Server.Storage;
using Parley.Server.Understanding;

namespace Parley.Server.Conversations;

/// <summary>The HeliosCS document: <c>/sessions/*</c> (the same conversations under HeliosCS's names).</summary>
public static class SessionsApi
{
    public static RouteGroupBuilder MapSessions(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/sessions").WithTags("Sessions");
        group.MapPost("/create", CreateAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapPut("/{id:guid}/end", EndAsync);
        return group;
    }

    private static async Task<Created<ConversationView>> CreateAsync(
        CreateSessionRequest request, ConversationService conversations, ParleyDb db, CancellationToken cancellationToken)
    {
        var conversation = await conversations.StartAsync(null, request.Channel ?? Channels.Web, request.CustomerId, metadata: request.Metadata, cancellationToken: cancellationToken);
        return TypedResults.Created($"/api/v1/sessions/{conversation.Id}", ConversationView.From(conversation, []));
    }

    private static async Task<Results<Ok<ConversationView>, ErrorResult>> GetAsync(Guid id, ConversationService conversations, CancellationToken cancellationToken)
    {
        if (await conversations.FindAsync(id, cancellationToken) is not { } conversation)
        {
            return ErrorResult.NotFound("Session");
        }

        return TypedResults.Ok(ConversationView.From(conversation, await conversations.MessagesAsync(id, 0, 1000, cancellationToken)));
    }

    private static async Task<Results<Ok<ConversationView>, ErrorResult>> EndAsync(Guid id, ConversationService conversations, CancellationToken cancellationToken)
    {
        if (await conversations.FindAsync(id, cancellationToken) is not { } conversation)
        {
            return ErrorResult.NotFound("Session");
        }

        await conversations.EndAsync(conversation, cancellationToken);
        return TypedResults.Ok(ConversationView.From(conversation));
    }
}

/// <summary>The HeliosCS document: <c>/messages/*</c>.</summary>
public static class MessagesApi
{
    private static readonly ListSpec<Message> ListSpec = new ListSpec<Message>(m => m.Id)
        .SortBy("sequence", m => m.Sequence, isDefault: true)
        .SortBy("created_at", m => m.CreatedAt)
        .FilterBy("message_type", v => MessageTypes.All.Contains(v) ? m => m.MessageType == v : null)
        .FilterBy("after_sequence", v => int.TryParse(v, out var n) ? m => m.Sequence > n : null);

    public static RouteGroupBuilder MapMessages(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/messages").WithTags("Messages");
        group.MapPost("/send", SendAsync);
        group.MapGet("/{sessionId:guid}", ListAsync);
        group.MapPost("/{messageId:guid}/feedback", FeedbackAsync);
        return group;
    }

    internal static async Task<Results<PagedResult<MessageView>, ErrorResult>> ListAsync(
        Guid sessionId, ConversationService conversations, ParleyDb db, PageQuery query, CancellationToken cancellationToken)
    {
        if (await conversations.FindAsync(sessionId, cancellationToken) is null)
        {
            return ErrorResult.NotFound("Session");
        }

        return await ListSpec.ToPageAsync(db.Messages.AsNoTracking().Where(m => m.ConversationId == sessionId), query, MessageView.From, cancellationToken);
    }

    /// <summary>
    /// Stores a message without a bot turn (agents' and systems' messages, or a customer message a
    /// client wants recorded as is). Customer text is redacted like every other customer message.
    /// </summary>
    private static async Task<Results<Created<MessageView>, ErrorResult>> SendAsync(
        SendMessageRequest request, ConversationService conversations, MessageAnalyzer analyzer, TenantUnderstanding understanding,
        ConversationLocks locks, CurrentUser me, ParleyDb db, Infrastructure.Events.DomainEvents events,
        Knowledge.SourceNames sources, TimeProvider clock, CancellationToken cancellationToken)
    {
        var type = request.MessageType ?? MessageTypes.User;
        if (type != MessageTypes.User && !me.IsAgentOrAdmin)
        {
            return ErrorResult.Forbidden("Only agents and admins send agent or system messages.");
        }

        if (await conversations.FindAsync(request.SessionId!.Value, cancellationToken) is not { } conversation)
        {
            return ErrorResult.NotFound("Session");
        }

        var profile = await understanding.ForTenantAsync(conversation.TenantId, cancellationToken);
        var (text, redactions) = type == MessageTypes.User
            ? analyzer.Redact(request.Content!, profile, await sources.NamesAsync(conversation.TenantId, cancellationToken))
            : (request.Content!, []);
        using var turn = await locks.AcquireAsync(conversation.Id, cancellationToken);
        await db.Entry(conversation).ReloadAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var message = TurnPipeline.NewMessage(conversation, type, text, now);
        message.SenderId = me.UserId;
        message.Redactions = JsonSerializer.Serialize(redactions.Select(r => r.WithoutOriginal()), TurnPipeline.Json);
        message.Metadata = request.Metadata is { ValueKind: JsonValueKind.Object } m ? m.GetRawText() : "{}";
        conversation.LastSequence++;
        conversation.MessageCount++;
        conversation.LastMessageAt = conversation.UpdatedAt = now;
        db.Messages.Add(message);
        // Like the handoff's agent replies: what people write is received, system notes are not.
        if (type is MessageTypes.User or MessageTypes.Agent)
        {
            await events.RaiseAsync(db, conversation.TenantId, Infrastructure.Events.EventTypes.MessageReceived, MessageEventData.From(message), conversation.UserId, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await events.StoredAsync(new MessageStored(conversation, message), CancellationToken.None);
        return TypedResults.Created($"/api/v1/messages/{conversation.Id}", MessageView.From(message));
    }

    private static async Task<Results<Created<FeedbackResponse>, ErrorResult>> FeedbackAsync(
        Guid messageId, FeedbackRequest request, ConversationService conversations, ParleyDb db, CurrentUser me, TimeProvider clock, CancellationToken cancellationToken)
    {
        var message = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == messageId, cancellationToken);
        if (message is null || await conversations.FindAsync(message.ConversationId, cancellationToken) is null)
        {
            return ErrorResult.NotFound("Message");
        }

        var feedback = new MessageFeedback
        {
            Id = Guid.CreateVersion7(),
            TenantId = message.TenantId,
            MessageId = message.Id,
            ConversationId = message.ConversationId,
            UserId = me.UserId,
            Rating = request.Rating!.Value,
            Feedback = request.Feedback,
            Category = request.Category,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.MessageFeedback.Add(feedback);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/messages/{message.Id}/feedback",
            new FeedbackResponse(feedback.Id, feedback.MessageId, feedback.ConversationId, feedback.Rating, feedback.Feedback, feedback.Category, feedback.CreatedAt));
    }
}
