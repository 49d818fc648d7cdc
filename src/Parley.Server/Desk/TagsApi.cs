using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.ConversationModel;
using Parley.Server.Conversations;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Pagination;
using Parley.Server.Infrastructure.Validation;
using Parley.Server.Realtime;
using Parley.Server.Storage;

namespace Parley.Server.Desk;

public sealed record AddTagRequest(string? Tag) : IValidatable
{
    public IEnumerable<FieldError> Validate()
    {
        if (ConversationTagRules.Normalize(Tag) is null)
        {
            yield return new FieldError("tag", ConversationTagRules.Rule);
        }
    }
}

public sealed record ConversationTagsView(Guid ConversationId, IReadOnlyList<string> Tags);

public sealed record TagUsage(string Tag, int Conversations);

/// <summary>
/// Conversation tags (Chatwoot's labels): <c>/conversations/{id}/tags</c>, agents and admins only, like
/// internal notes (decision 0015): customers and widget visitors never read or set them, so they are a
/// resource of their own and not a field of the conversation a customer reads. A change reaches only
/// staff sockets (<see cref="ConversationEvent.StaffOnly"/>) as a <c>tags</c> event.
/// </summary>
public static class ConversationTags
{
    public static RouteGroupBuilder MapTags(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/conversations/{id:guid}/tags").WithTags("Conversations").RequireAuthorization(AuthSetup.Policies.Agent);
        group.MapGet("", GetAsync);
        group.MapPost("", AddAsync);
        group.MapDelete("/{tag}", RemoveAsync);
        api.MapGet("/conversation-tags", InUseAsync).WithTags("Conversations").RequireAuthorization(AuthSetup.Policies.Agent);
        return group;
    }

    private static async Task<Results<Ok<ConversationTagsView>, ErrorResult>> GetAsync(
        Guid id, ConversationService conversations, ParleyDb db, CancellationToken cancellationToken)
        => await conversations.FindAsync(id, cancellationToken) is null
            ? ErrorResult.NotFound("Conversation")
            : TypedResults.Ok(await ViewAsync(id, db, cancellationToken));

    private static async Task<Results<Ok<ConversationTagsView>, ErrorResult>> AddAsync(
        Guid id, AddTagRequest request, ConversationService conversations, ParleyDb db, CurrentUser me, ConversationEventHub hub, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (await conversations.FindAsync(id, cancellationToken) is not { } conversation)
        {
            return ErrorResult.NotFound("Conversation");
        }

        var tag = ConversationTagRules.Normalize(request.Tag)!;
        var tags = db.Set<ConversationTag>();
        if (await tags.AnyAsync(t => t.ConversationId == id && t.Tag == tag, cancellationToken))
        {
            return TypedResults.Ok(await ViewAsync(id, db, cancellationToken));
        }

        if (await tags.CountAsync(t => t.ConversationId == id, cancellationToken) >= ConversationTagRules.MaxPerConversation)
        {
            return ErrorResult.Conflict($"A conversation has at most {ConversationTagRules.MaxPerConversation} tags; remove one first.");
        }

        tags.Add(new ConversationTag { ConversationId = id, Tag = tag, TenantId = conversation.TenantId, CreatedBy = me.UserId, CreatedAt = clock.GetUtcNow().UtcDateTime });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two agents added the same tag at once: the primary key kept one, which is the answer either way.
            db.ChangeTracker.Clear();
        }

        return TypedResults.Ok(await PublishAsync(conversation, db, me, hub, clock));
    }

    private static async Task<Results<Ok<ConversationTagsView>, ErrorResult>> RemoveAsync(
        Guid id, string tag, ConversationService conversations, ParleyDb db, CurrentUser me, ConversationEventHub hub, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (await conversations.FindAsync(id, cancellationToken) is not { } conversation)
        {
            return ErrorResult.NotFound("Conversation");
        }

        var normal = ConversationTagRules.Normalize(tag) ?? "";
        var removed = await db.Set<ConversationTag>().Where(t => t.ConversationId == id && t.Tag == normal).ExecuteDeleteAsync(cancellationToken);
        return TypedResults.Ok(removed == 0 ? await ViewAsync(id, db, cancellationToken) : await PublishAsync(conversation, db, me, hub, clock));
    }

    /// <summary>The tenant's tags in use, most used first (the inbox's tag filter offers them).</summary>
    private static async Task<Ok<IReadOnlyList<TagUsage>>> InUseAsync(ParleyDb db, CancellationToken cancellationToken)
    {
        var usage = await db.Set<ConversationTag>().AsNoTracking().GroupBy(t => t.Tag).Select(g => new { Tag = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<TagUsage>>(usage.OrderByDescending(u => u.Count).ThenBy(u => u.Tag, StringComparer.Ordinal).Take(200)
            .Select(u => new TagUsage(u.Tag, u.Count)).ToList());
    }

    private static async Task<ConversationTagsView> ViewAsync(Guid id, ParleyDb db, CancellationToken cancellationToken)
    {
        var tags = await db.Set<ConversationTag>().AsNoTracking().Where(t => t.ConversationId == id).Select(t => t.Tag).ToListAsync(cancellationToken);
        return new ConversationTagsView(id, tags.Order(StringComparer.Ordinal).ToList());
    }

    private static async Task<ConversationTagsView> PublishAsync(Conversation conversation, ParleyDb db, CurrentUser me, ConversationEventHub hub, TimeProvider clock)
    {
        var view = await ViewAsync(conversation.Id, db, CancellationToken.None);
        await hub.PublishAsync(new ConversationEvent(conversation.TenantId, conversation.Id, conversation.UserId, conversation.LastSequence, "tags",
            JsonSerializer.SerializeToElement(view, TurnPipeline.Json), clock.GetUtcNow().UtcDateTime, me.UserId, StaffOnly: true), CancellationToken.None);
        return view;
    }
}
