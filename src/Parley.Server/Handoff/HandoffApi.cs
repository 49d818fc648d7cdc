using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.ConversationModel;
using Parley.Server.Conversations;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Pagination;
using Parley.Server.Infrastructure.Validation;
using Parley.Server.Storage;
using Parley.Server.Tickets;

namespace Parley.Server.Handoff;

public sealed record AgentReplyRequest(string? Content, string? Message) : IValidatable
{
    public string? Text => Content ?? Message;

    public IEnumerable<FieldError> Validate() => MessageRules.Text(Message is null ? "content" : "message", Text);
}

public sealed record EscalateRequest(string? Reason) : IValidatable
{
    public IEnumerable<FieldError> Validate() => Check.MaxLength("reason", Reason, 500);
}

public sealed record EscalationResponse(Guid ConversationId, Guid SessionId, string Status, string? Reason, Guid? TicketId, TicketView? Ticket);

/// <summary>
/// The agents' side of live handoff: <c>/handoff/queue</c> (the tenant's escalated conversations),
/// claim, reply, hand back, close. Customers escalate their own conversations with
/// <c>POST /conversations/{id}/escalate</c> (also under <c>/sessions</c> and <c>/handoff</c>).
/// </summary>
public static class HandoffApi
{
    private static readonly ListSpec<Conversation> QueueSpec = new ListSpec<Conversation>(c => c.Id)
        .SortBy("escalated_at", c => c.EscalatedAt, isDefault: true)
        .SortBy("updated_at", c => c.UpdatedAt)
        .SortBy("created_at", c => c.CreatedAt)
        .FilterBy("claimed", v => bool.TryParse(v, out var claimed) ? c => (c.AssignedAgentId != null) == claimed : null)
        .FilterBy("assigned_agent_id", v => Guid.TryParse(v, out var id) ? c => c.AssignedAgentId == id : null)
        .FilterBy("channel", v => Channels.All.Contains(v) ? c => c.Channel == v : null)
        .FilterBy("assistant_id", v => Guid.TryParse(v, out var id) ? c => c.AssistantId == id : null)
        .SearchBy(term => c => c.Title.ToUpper().Contains(term.ToUpperInvariant()));

    public static RouteGroupBuilder MapHandoff(this RouteGroupBuilder api)
    {
        var agents = api.MapGroup("/handoff").WithTags("Handoff").RequireAuthorization(AuthSetup.Policies.Agent);
        agents.MapGet("/queue", QueueAsync);
        agents.MapPost("/{id:guid}/claim", ClaimAsync);
        agents.MapPost("/{id:guid}/messages", ReplyAsync);
        agents.MapPost("/{id:guid}/release", ReleaseAsync);
        agents.MapPost("/{id:guid}/hand-back", ReleaseAsync);
        agents.MapPost("/{id:guid}/close", CloseAsync);

        foreach (var path in new[] { "/handoff/{id:guid}/escalate", "/conversations/{id:guid}/escalate", "/sessions/{id:guid}/escalate" })
        {
            api.MapPost(path, EscalateAsync).WithTags("Handoff");
        }

        return agents;
    }

    /// <summary><c>intent</c> and <c>tag</c>, plain parameters, keep conversations with a message of that intent or with that tag (as on <c>GET /conversations</c>).</summary>
    private static Task<Results<PagedResult<ConversationView>, ErrorResult>> QueueAsync(ParleyDb db, PageQuery query, string? intent, string? tag, CancellationToken cancellationToken)
        => ConversationsApi.WithTagsAsync(QueueSpec.ToPageAsync(
            ConversationTagRules.WithTag(ConversationsApi.WithIntent(db.Conversations.AsNoTracking().Where(c => c.Status == ConversationStatus.Escalated), db, intent), db, tag),
            query, c => ConversationView.From(c), cancellationToken), db, cancellationToken);

    private static async Task<Results<Ok<ConversationView>, ErrorResult>> ClaimAsync(
        Guid id, ConversationService conversations, HandoffService handoff, CancellationToken cancellationToken)
    {
        if (await conversations.FindAsync(id, cancellationToken) is not { } conversation)
        {
            return ErrorResult.NotFound("Conversation");
        }

        return await handoff.ClaimAsync(conversation, cancellationToken) is { } error ? error : TypedResults.Ok(ConversationView.From(conversation));
    }

    private static async Task<Results<Created<MessageView>, ErrorResult>> ReplyAsync(
        Guid id, AgentReplyRequest request, ConversationService conversations, HandoffService handoff, CancellationToken cancellationToken)
    {
        if (await conversations.FindAsync(id, cancellationToken) is not { } conversation)
        {
            return ErrorResult.NotFound("Conversation");
        }

        var (message, error) = await handoff.ReplyAsync(conversation, request.Text!, cancellationToken);
        return message is null ? error! : TypedResults.Created($"/api/v1/conversations/{id}/messages", MessageView.From(message));
    }

    private static Task<Results<Ok<ConversationView>, ErrorResult>> ReleaseAsync(
        Guid id, ConversationService conversations, HandoffService handoff, CancellationToken cancellationToken)
        => FinishAsync(id, close: false, conversations, handoff, cancellationToken);

    private static Task<Results<Ok<ConversationView>, ErrorResult>> CloseAsync(
        Guid id, ConversationService conversations, HandoffService handoff, CancellationToken cancellationToken)
        => FinishAsync(id, close: true, conversations, handoff, cancellationToken);

    private static async Task<Results<Ok<ConversationView>, ErrorResult>> FinishAsync(
        Guid id, bool close, ConversationService conversations, HandoffService handoff, CancellationToken cancellationToken)
    {
        if (await conversations.FindAsync(id, cancellationToken) is not { } conversation)
        {
            return ErrorResult.NotFound("Conversation");
        }

        return await handoff.FinishAsync(conversation, close, cancellationToken) is { } error ? error : TypedResults.Ok(ConversationView.From(conversation));
    }

    /// <summary>The customer (their own conversation) or an agent asks for a person; the body is optional.</summary>
    private static async Task<Results<Ok<EscalationResponse>, ErrorResult>> EscalateAsync(
        Guid id, EscalateRequest? request, ConversationService conversations, HandoffService handoff, CancellationToken cancellationToken)
    {
        if (await conversations.FindAsync(id, cancellationToken) is not { } found)
        {
            return ErrorResult.NotFound("Conversation");
        }

        var (conversation, ticket, error) = await handoff.EscalateAsync(found, request?.Reason, cancellationToken);
        return conversation is null
            ? error!
            : TypedResults.Ok(new EscalationResponse(conversation.Id, conversation.Id, conversation.Status, conversation.EscalationReason, ticket?.Id,
                ticket is null ? null : TicketView.From(ticket)));
    }
}
