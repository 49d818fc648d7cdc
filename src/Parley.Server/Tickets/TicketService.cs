using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.ConversationModel;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Events;
using Parley.Server.Storage;
using Parley.Server.Users;

namespace Parley.Server.Tickets;

/// <summary>
/// Tickets for the caller: customers (role user) see and comment on their own; agents and admins
/// see every ticket of their tenant and change status, priority and assignee. Every change raises
/// <c>ticket.created</c> or <c>ticket.updated</c> in the same transaction.
/// </summary>
public sealed class TicketService(ParleyDb db, CurrentUser me, DomainEvents events, TimeProvider clock)
{
    public IQueryable<Ticket> Visible()
        => me.IsAgentOrAdmin ? db.Set<Ticket>() : db.Set<Ticket>().Where(t => t.CustomerUserId == me.UserId || t.CreatedBy == me.UserId);

    public Task<Ticket?> FindAsync(Guid id, CancellationToken cancellationToken) => Visible().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);

    public Task<List<TicketComment>> CommentsAsync(Guid ticketId, CancellationToken cancellationToken)
        => db.Set<TicketComment>().AsNoTracking().Where(c => c.TicketId == ticketId).OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).ToListAsync(cancellationToken);

    public async Task<(Ticket? Ticket, ErrorResult? Error)> CreateAsync(CreateTicketRequest request, CancellationToken cancellationToken)
    {
        Conversation? conversation = null;
        if (request.Conversation is { } conversationId)
        {
            var visible = me.IsAgentOrAdmin ? db.Conversations : db.Conversations.Where(c => c.UserId == me.UserId);
            conversation = await visible.AsNoTracking().FirstOrDefaultAsync(c => c.Id == conversationId, cancellationToken);
            if (conversation is null)
            {
                return (null, ErrorResult.NotFound("Session"));
            }
        }

        if (request.AssigneeId is { } assignee)
        {
            if (!me.IsAgentOrAdmin)
            {
                return (null, ErrorResult.Forbidden("Only agents and admins assign tickets."));
            }

            if (await CheckAssigneeAsync(assignee, cancellationToken) is { } invalid)
            {
                return (null, invalid);
            }
        }

        Guid? customerUser;
        string? customerId;
        if (!me.IsAgentOrAdmin)
        {
            // Customers open tickets for themselves only.
            (customerUser, customerId) = (me.UserId, request.CustomerId ?? me.UserId?.ToString());
        }
        else
        {
            customerUser = conversation?.UserId;
            if (Guid.TryParse(request.CustomerId, out var named) && await db.Users.AnyAsync(u => u.Id == named, cancellationToken))
            {
                customerUser = named;
            }

            customerId = request.CustomerId ?? conversation?.CustomerId ?? customerUser?.ToString();
        }

        var ticket = New(request.Title!.Trim(), request.Description, request.Priority, request.Category, TicketSources.Api, conversation?.Id, customerId, customerUser, me.UserId);
        ticket.AssigneeId = request.AssigneeId;
        await AddAsync(ticket, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return (ticket, null);
    }

    /// <summary>A new ticket in the caller's unit of work with its <c>ticket.created</c>; the caller saves.</summary>
    public async Task AddAsync(Ticket ticket, CancellationToken cancellationToken)
    {
        db.Set<Ticket>().Add(ticket);
        await events.RaiseAsync(db, ticket.TenantId, EventTypes.TicketCreated, TicketEventData.From(ticket), ticket.CustomerUserId ?? ticket.CreatedBy, cancellationToken);
    }

    /// <summary>The ticket an escalation opens, linked to its conversation; the caller saves it with the escalation.</summary>
    public Task<Ticket> AddForEscalationAsync(Conversation conversation, string? reason, string? lastCustomerMessage, Guid? escalatedBy, CancellationToken cancellationToken)
        => AddForConversationAsync(conversation, $"Escalated: {conversation.Title}",
            $"Conversation {conversation.Id} was escalated to a person ({reason ?? "requested"}).{(lastCustomerMessage is null ? "" : $"\n\nLast customer message: {lastCustomerMessage}")}",
            TicketPriority.High, "escalation", TicketSources.Escalation, escalatedBy, cancellationToken);

    public async Task<Ticket> AddForConversationAsync(
        Conversation conversation, string title, string? description, string? priority, string? category, string source, Guid? createdBy, CancellationToken cancellationToken)
    {
        var ticket = New(title.Length <= 200 ? title : title[..197] + "...", description, priority, category, source, conversation.Id,
            conversation.CustomerId ?? conversation.UserId?.ToString(), conversation.UserId, createdBy);
        ticket.TenantId = conversation.TenantId;
        await AddAsync(ticket, cancellationToken);
        return ticket;
    }

    public async Task<ErrorResult?> UpdateAsync(Ticket ticket, UpdateTicketRequest request, CancellationToken cancellationToken)
    {
        if (request.ChangesTicket && !me.IsAgentOrAdmin)
        {
            return ErrorResult.Forbidden("Customers may only comment on their tickets.");
        }

        if (request.Status is { } status && status != ticket.Status && !TicketStatus.Next(ticket.Status).Contains(status))
        {
            return ErrorResult.Conflict($"A ticket that is {ticket.Status} cannot become {status}; allowed: {string.Join(", ", TicketStatus.Next(ticket.Status).DefaultIfEmpty("none"))}.");
        }

        if (request.AssigneeId is { } assignee && await CheckAssigneeAsync(assignee, cancellationToken) is { } invalid)
        {
            return invalid;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var (previousStatus, previousAssignee) = (ticket.Status, ticket.AssigneeId);
        ticket.Title = request.Title?.Trim() ?? ticket.Title;
        ticket.Description = request.Description ?? ticket.Description;
        ticket.Category = request.Category ?? ticket.Category;
        if (request.Priority is { } priority)
        {
            (ticket.Priority, ticket.PriorityRank) = (priority, TicketPriority.Rank(priority));
        }

        ticket.AssigneeId = request.Unassign == true ? null : request.AssigneeId ?? ticket.AssigneeId;
        if (request.Status is { } next && next != ticket.Status)
        {
            ticket.Status = next;
            ticket.ResolvedAt = next == TicketStatus.Resolved ? now : next == TicketStatus.Closed ? ticket.ResolvedAt : null;
            ticket.ClosedAt = next == TicketStatus.Closed ? now : null;
        }

        if (request.Comment is { } comment)
        {
            AddComment(ticket, comment, now);
        }

        ticket.UpdatedAt = now;
        await events.RaiseAsync(db, ticket.TenantId, EventTypes.TicketUpdated, TicketEventData.From(ticket, previousAssignee, previousStatus), ticket.CustomerUserId ?? ticket.CreatedBy, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    public async Task<TicketComment> CommentAsync(Ticket ticket, string content, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var comment = AddComment(ticket, content, now);
        ticket.UpdatedAt = now;
        await events.RaiseAsync(db, ticket.TenantId, EventTypes.TicketUpdated, TicketEventData.From(ticket, ticket.AssigneeId, ticket.Status), ticket.CustomerUserId ?? ticket.CreatedBy, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return comment;
    }

    private TicketComment AddComment(Ticket ticket, string content, DateTime now)
    {
        var comment = new TicketComment { Id = Guid.CreateVersion7(), TenantId = ticket.TenantId, TicketId = ticket.Id, AuthorId = me.UserId, Content = content.Trim(), CreatedAt = now };
        db.Set<TicketComment>().Add(comment);
        return comment;
    }

    /// <summary>Assignees are active agents or admins of the caller's tenant (others' ids are simply unknown).</summary>
    private async Task<ErrorResult?> CheckAssigneeAsync(Guid assignee, CancellationToken cancellationToken)
        => await db.Users.AnyAsync(u => u.Id == assignee && u.IsActive && (u.Role == Roles.Agent || u.Role == Roles.Admin), cancellationToken)
            ? null
            : ErrorResult.Validation("assignee_id", "Must be an active agent or admin of this tenant.");

    private Ticket New(string title, string? description, string? priority, string? category, string source, Guid? conversationId, string? customerId, Guid? customerUser, Guid? createdBy)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var level = priority ?? TicketPriority.Medium;
        return new Ticket
        {
            Id = Guid.CreateVersion7(),
            TenantId = me.TenantId ?? Guid.Empty,
            Title = title,
            Description = description,
            Priority = level,
            PriorityRank = TicketPriority.Rank(level),
            Category = category,
            Source = source,
            ConversationId = conversationId,
            CustomerId = customerId,
            CustomerUserId = customerUser,
            CreatedBy = createdBy,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }
}
