using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Validation;

namespace Parley.Server.Tickets;

internal static class TicketRules
{
    public static IEnumerable<FieldError> Common(string? title, string? description, string? priority, string? category, string? comment)
    {
        foreach (var e in Check.MaxLength("title", title, 200).Concat(Check.MaxLength("description", description, 10_000))
            .Concat(Check.MaxLength("category", category, 100)).Concat(Check.MaxLength("comment", comment, 10_000)))
        {
            yield return e;
        }

        if (priority is not null && !TicketPriority.All.Contains(priority))
        {
            yield return new FieldError("priority", $"One of: {string.Join(", ", TicketPriority.All)}.");
        }
    }
}

/// <summary>
/// HeliosCS <c>POST /tickets/create</c> (<c>session_id, title, description, priority, category,
/// customer_id</c>); <c>conversation_id</c> is accepted for <c>session_id</c>, and agents may assign.
/// </summary>
public sealed record CreateTicketRequest(
    Guid? SessionId, Guid? ConversationId, string? Title, string? Description, string? Priority, string? Category, string? CustomerId, Guid? AssigneeId)
    : IValidatable
{
    public Guid? Conversation => SessionId ?? ConversationId;

    public IEnumerable<FieldError> Validate()
        => Check.Required("title", Title).Concat(TicketRules.Common(Title, Description, Priority, Category, null)).Concat(Check.MaxLength("customer_id", CustomerId, 200));
}

/// <summary>
/// HeliosCS <c>PUT /tickets/{id}</c>: any of status, priority, assignee (<c>assignee_id</c>, or
/// <c>unassign: true</c>), title, description, category, and a <c>comment</c> to add.
/// </summary>
public sealed record UpdateTicketRequest(
    string? Title, string? Description, string? Status, string? Priority, string? Category, Guid? AssigneeId, bool? Unassign, string? Comment)
    : IValidatable
{
    public bool ChangesTicket => Title is not null || Description is not null || Status is not null || Priority is not null || Category is not null
        || AssigneeId is not null || Unassign == true;

    public IEnumerable<FieldError> Validate()
    {
        foreach (var e in TicketRules.Common(Title, Description, Priority, Category, Comment))
        {
            yield return e;
        }

        if (Title is not null && string.IsNullOrWhiteSpace(Title))
        {
            yield return new FieldError("title", "Must not be blank.");
        }

        if (Status is not null && !TicketStatus.All.Contains(Status))
        {
            yield return new FieldError("status", $"One of: {string.Join(", ", TicketStatus.All)}.");
        }

        if (Comment is not null && string.IsNullOrWhiteSpace(Comment))
        {
            yield return new FieldError("comment", "Must not be blank.");
        }

        if (!ChangesTicket && Comment is null)
        {
            yield return new FieldError("body", "Send at least one of: title, description, status, priority, category, assignee_id, unassign, comment.");
        }
    }
}

public sealed record AddCommentRequest(string? Content, string? Comment) : IValidatable
{
    public string? Text => Content ?? Comment;

    public IEnumerable<FieldError> Validate() => Check.Required("content", Text).Concat(Check.MaxLength("content", Text, 10_000));
}

public sealed record TicketCommentView(Guid Id, Guid TicketId, Guid? AuthorId, string Content, DateTime CreatedAt)
{
    public static TicketCommentView From(TicketComment c) => new(c.Id, c.TicketId, c.AuthorId, c.Content, c.CreatedAt);
}

/// <summary>A ticket with every name documents use for its conversation (<c>session_id</c>, <c>conversation_id</c>).</summary>
public sealed record TicketView(
    Guid Id,
    Guid TicketId,
    string Title,
    string? Description,
    string Status,
    string Priority,
    string? Category,
    string Source,
    Guid? SessionId,
    Guid? ConversationId,
    string? CustomerId,
    Guid? CustomerUserId,
    Guid? AssigneeId,
    Guid? CreatedBy,
    IReadOnlyList<string> NextStatuses,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? ResolvedAt,
    DateTime? ClosedAt,
    IReadOnlyList<TicketCommentView>? Comments)
{
    public static TicketView From(Ticket t, IReadOnlyList<TicketComment>? comments = null) => new(
        t.Id, t.Id, t.Title, t.Description, t.Status, t.Priority, t.Category, t.Source, t.ConversationId, t.ConversationId, t.CustomerId, t.CustomerUserId,
        t.AssigneeId, t.CreatedBy, TicketStatus.Next(t.Status), t.CreatedAt, t.UpdatedAt, t.ResolvedAt, t.ClosedAt, comments?.Select(TicketCommentView.From).ToList());
}

/// <summary>The data of <c>ticket.created</c> and <c>ticket.updated</c>.</summary>
public sealed record TicketEventData(
    Guid TicketId, string Title, string Status, string Priority, Guid? AssigneeId, Guid? PreviousAssigneeId, string? PreviousStatus,
    Guid? ConversationId, string? CustomerId, Guid? CustomerUserId, Guid? CreatedBy, string Source)
{
    public static TicketEventData From(Ticket t, Guid? previousAssignee = null, string? previousStatus = null) => new(
        t.Id, t.Title, t.Status, t.Priority, t.AssigneeId, previousAssignee, previousStatus, t.ConversationId,
        t.CustomerUserId?.ToString() ?? t.CustomerId, t.CustomerUserId, t.CreatedBy, t.Source);
}
