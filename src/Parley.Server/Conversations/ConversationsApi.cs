using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.ConversationModel;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Pagination;
using Parley.Server.Infrastructure.RateLimiting;
using Parley.Server.Storage;

namespace Parley.Server.Conversations;

/// <summary>The Customer Care AI and AI Assistant Platform documents: <c>/conversations</c> and their messages.</summary>
public static class ConversationsApi
{
    internal static readonly ListSpec<Conversation> ListSpec = new ListSpec<Conversation>(c => c.Id)
        .SortBy("created_at", c => c.CreatedAt, isDefault: true, defaultDescending: true)
        .SortBy("updated_at", c => c.UpdatedAt)
        .SortBy("last_message_at", c => c.LastMessageAt)
        .SortBy("title", c => c.Title)
        .FilterBy("status", v => v is ConversationStatus.Active or ConversationStatus.Escalated or ConversationStatus.Ended ? c => c.Status == v : null)
        .FilterBy("channel", v => Channels.All.Contains(v) ? c => c.Channel == v : null)
        .FilterBy("assistant_id", v => Guid.TryParse(v, out var id) ? c => c.AssistantId == id : null)
        .FilterBy("customer_id", v => c => c.CustomerId == v)
        .SearchBy(term => c => c.Title.ToUpper().Contains(term.ToUpperInvariant()));

    public static RouteGroupBuilder MapConversations(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/conversations").WithTags("Conversations");
        group.MapGet("", ListAsync);
        group.MapPost("", CreateAsync).RequireRateLimit(RateLimitPolicies.Chat);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapDelete("/{id:guid}", DeleteAsync);
        group.MapPost("/{id:guid}/messages", PostMessageAsync).RequireRateLimit(RateLimitPolicies.Chat);
        group.MapGet("/{id:guid}/messages", MessagesAsync);
        return group;
    }

    /// <summary>
    /// AI Assistant Platform filters by <c>assistant_id</c> and <c>status</c> as plain parameters as well as <c>filter[...]</c>;
    /// <c>intent</c> keeps conversations with a message of that intent (the console's inbox filter); <c>tag</c>, for
    /// agents and admins only, keeps those with that tag, and staff see each row's <c>tags</c>.
    /// </summary>
    private static Task<Results<PagedResult<ConversationView>, ErrorResult>> ListAsync(
        ConversationService conversations, ParleyDb db, PageQuery query, [FromQuery(Name = "assistant_id")] Guid? assistantId, string? status, string? intent,
        string? tag, CurrentUser me, CancellationToken cancellationToken)
    {
        if (!me.IsAgentOrAdmin && tag is not null)
        {
            return Task.FromResult<Results<PagedResult<ConversationView>, ErrorResult>>(ErrorResult.Forbidden("Tags are for agents and admins."));
        }

        var visible = ConversationTagRules.WithTag(WithIntent(conversations.Visible().AsNoTracking(), db, intent), db, tag);
        if (assistantId is { } assistant)
        {
            visible = visible.Where(c => c.AssistantId == assistant);
        }

        if (status is not null)
        {
            visible = visible.Where(c => c.Status == status);
        }

        var page = ListSpec.ToPageAsync(visible, query, c => ConversationView.From(c), cancellationToken);
        return me.IsAgentOrAdmin ? WithTagsAsync(page, db, cancellationToken) : page;
    }

    /// <summary>Conversations with at least one message understood as <paramref name="intent"/> (index ix_messages_conversation_intent).</summary>
    internal static IQueryable<Conversation> WithIntent(IQueryable<Conversation> source, ParleyDb db, string? intent)
        => string.IsNullOrWhiteSpace(intent) ? source : source.Where(c => db.Set<Message>().Any(m => m.ConversationId == c.Id && m.Intent == intent));

    private static async Task<Results<Created<ConversationView>, ErrorResult>> CreateAsync(
        CreateConversationRequest? request, ConversationService conversations, Assistants.AssistantDirectory assistants, TurnPipeline turns, ParleyDb db,
        CancellationToken cancellationToken)
    {
        var (assistantId, refused) = await assistants.ForNewConversationAsync(request?.AssistantId, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var conversation = await conversations.StartAsync(request?.Title, assistantId: assistantId, metadata: request?.Metadata, cancellationToken: cancellationToken);
        IReadOnlyList<Message>? messages = null;
        if (request?.InitialMessage is { } first)
        {
            var turn = await turns.RunAsync(conversation, first, null, cancellationToken);
            messages = turn.BotMessage is null ? [turn.UserMessage] : [turn.UserMessage, turn.BotMessage];
        }

        return TypedResults.Created($"/api/v1/conversations/{conversation.Id}", ConversationView.From(conversation, messages ?? []));
    }

    private static async Task<Results<Ok<ConversationView>, ErrorResult>> GetAsync(Guid id, ConversationService conversations, CancellationToken cancellationToken)
    {
        if (await conversations.FindAsync(id, cancellationToken) is not { } conversation)
        {
            return ErrorResult.NotFound("Conversation");
        }

        var messages = await conversations.MessagesAsync(id, 0, 1000, cancellationToken);
        return TypedResults.Ok(ConversationView.From(conversation, messages));
    }

    private static async Task<Results<NoContent, ErrorResult>> DeleteAsync(Guid id, ConversationService conversations, CancellationToken cancellationToken)
    {
        if (await conversations.FindAsync(id, cancellationToken) is not { } conversation)
        {
            return ErrorResult.NotFound("Conversation");
        }

        await conversations.DeleteAsync(conversation, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The conversation is the <c>{id}</c> of the path. (Mapping <see cref="MessagesApi.ListAsync"/> here
    /// directly bound its <c>sessionId</c> from the query string: every call was a 400.)
    /// </summary>
    private static Task<Results<PagedResult<MessageView>, ErrorResult>> MessagesAsync(
        Guid id, ConversationService conversations, ParleyDb db, PageQuery query, CancellationToken cancellationToken)
        => MessagesApi.ListAsync(id, conversations, db, query, cancellationToken);

    private static async Task<Results<Ok<PostedMessageResponse>, ErrorResult>> PostMessageAsync(
        Guid id, PostMessageRequest request, ConversationService conversations, TurnPipeline turns, CancellationToken cancellationToken)
    {
        var (target, error) = await conversations.ForTurnAsync(id, cancellationToken);
        if (target is null)
        {
            return error!;
        }

        var turn = await turns.RunAsync(target, request.Text!, request.Metadata, cancellationToken);
        return TypedResults.Ok(PostedMessageResponse.From(turn));
    }

    /// <summary>A staff list's page with each conversation's tags filled in (one query for the page).</summary>
    internal static async Task<Results<PagedResult<ConversationView>, ErrorResult>> WithTagsAsync(
        Task<Results<PagedResult<ConversationView>, ErrorResult>> listing, ParleyDb db, CancellationToken cancellationToken)
    {
        var result = await listing;
        if (result.Result is not PagedResult<ConversationView> paged)
        {
            return result;
        }

        var page = paged.Value;
        var ids = page.Items.Select(c => c.Id).ToList();
        var rows = await db.Set<ConversationTag>().AsNoTracking().Where(t => ids.Contains(t.ConversationId)).Select(t => new { t.ConversationId, t.Tag }).ToListAsync(cancellationToken);
        var byConversation = rows.ToLookup(r => r.ConversationId, r => r.Tag);
        var items = page.Items.Select(c => c with { Tags = byConversation[c.Id].Order(StringComparer.Ordinal).ToList() }).ToList();
        return new PagedResult<ConversationView>(page with { Items = items });
    }
}
