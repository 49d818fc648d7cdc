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
using Parley.Server.Users;

namespace Parley.Server.Desk;

public sealed record AddNoteRequest(string? Content) : IValidatable
{
    public const int MaxLength = 4000;

    public IEnumerable<FieldError> Validate() => Check.Required("content", Content).Concat(Check.MaxLength("content", Content, MaxLength));
}

public sealed record NoteView(Guid Id, Guid ConversationId, Guid? AuthorId, string? AuthorName, string Content, int AfterSequence, string Visibility, DateTime CreatedAt)
{
    public static NoteView From(ConversationNote n) => new(n.Id, n.ConversationId, n.AuthorId, n.AuthorName, n.Content, n.AfterSequence, "internal", n.CreatedAt);
}

/// <summary>
/// Internal notes: <c>/conversations/{id}/notes</c>, agents and admins only. A resource of its own
/// rather than a message with <c>visibility: internal</c>, so that no customer-facing read of
/// messages (REST, widget, SSE, WebSocket resume, the bot's prompt, webhooks) has to remember to
/// leave notes out. Live, a note reaches only staff sockets (<see cref="ConversationEvent.StaffOnly"/>).
/// </summary>
public static class NotesApi
{
    private static readonly ListSpec<ConversationNote> ListSpec = new ListSpec<ConversationNote>(n => n.Id)
        .SortBy("created_at", n => n.CreatedAt, isDefault: true);

    public static RouteGroupBuilder MapNotes(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/conversations/{id:guid}/notes").WithTags("Conversations").RequireAuthorization(AuthSetup.Policies.Agent);
        group.MapGet("", ListAsync);
        group.MapPost("", AddAsync);
        return group;
    }

    private static async Task<Results<PagedResult<NoteView>, ErrorResult>> ListAsync(
        Guid id, ConversationService conversations, ParleyDb db, PageQuery query, CancellationToken cancellationToken)
    {
        if (await conversations.FindAsync(id, cancellationToken) is null)
        {
            return ErrorResult.NotFound("Conversation");
        }

        return await ListSpec.ToPageAsync(db.Set<ConversationNote>().AsNoTracking().Where(n => n.ConversationId == id), query, NoteView.From, cancellationToken);
    }

    private static async Task<Results<Created<NoteView>, ErrorResult>> AddAsync(
        Guid id, AddNoteRequest request, ConversationService conversations, ParleyDb db, CurrentUser me, ConversationEventHub hub, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (await conversations.FindAsync(id, cancellationToken) is not { } conversation)
        {
            return ErrorResult.NotFound("Conversation");
        }

        var author = await db.Users.AsNoTracking().Where(u => u.Id == me.UserId).Select(u => u.FullName ?? u.Username).FirstOrDefaultAsync(cancellationToken);
        var note = new ConversationNote
        {
            Id = Guid.CreateVersion7(),
            TenantId = conversation.TenantId,
            ConversationId = conversation.Id,
            AuthorId = me.UserId,
            AuthorName = author,
            Content = request.Content!.Trim(),
            AfterSequence = conversation.LastSequence,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Add(note);
        await db.SaveChangesAsync(cancellationToken);
        var view = NoteView.From(note);
        await hub.PublishAsync(new ConversationEvent(conversation.TenantId, conversation.Id, conversation.UserId, conversation.LastSequence, "note",
            JsonSerializer.SerializeToElement(view, TurnPipeline.Json), note.CreatedAt, me.UserId, StaffOnly: true), CancellationToken.None);
        return TypedResults.Created($"/api/v1/conversations/{id}/notes/{note.Id}", view);
    }
}
