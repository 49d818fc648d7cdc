using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Server.Storage;

namespace Parley.Server.Tickets;

/// <summary>
/// A support ticket (HeliosCS <c>/tickets</c>). <see cref="CustomerId"/> is HeliosCS's free-form customer
/// reference; <see cref="CustomerUserId"/> is the Parley user it belongs to, who may see it.
/// </summary>
public sealed class Ticket : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Title { get; set; }
    public string? Description { get; set; }
    public string Status { get; set; } = TicketStatus.Open;
    public string Priority { get; set; } = TicketPriority.Medium;
    /// <summary>Sorts by urgency rather than alphabetically (low 1 ... urgent 4).</summary>
    public int PriorityRank { get; set; } = 2;
    public string? Category { get; set; }
    public string Source { get; set; } = TicketSources.Api;
    public Guid? ConversationId { get; set; }
    public string? CustomerId { get; set; }
    public Guid? CustomerUserId { get; set; }
    public Guid? AssigneeId { get; set; }
    public Guid? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public DateTime? ClosedAt { get; set; }
}

public sealed class TicketComment : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid TicketId { get; set; }
    public Guid? AuthorId { get; set; }
    public required string Content { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>open → pending → resolved → closed; pending and resolved tickets may be reopened, closed ones may not.</summary>
public static class TicketStatus
{
    public const string Open = "open";
    public const string Pending = "pending";
    public const string Resolved = "resolved";
    public const string Closed = "closed";
    public static readonly string[] All = [Open, Pending, Resolved, Closed];

    public static IReadOnlyList<string> Next(string status) => status switch
    {
        Open => [Pending, Resolved],
        Pending => [Open, Resolved],
        Resolved => [Open, Closed],
        _ => [],
    };
}

public static class TicketPriority
{
    public const string Low = "low";
    public const string Medium = "medium";
    public const string High = "high";
    public const string Urgent = "urgent";
    public static readonly string[] All = [Low, Medium, High, Urgent];

    public static int Rank(string priority) => Array.IndexOf(All, priority) + 1;
}

public static class TicketSources
{
    public const string Api = "api";
    public const string Escalation = "escalation";
    public const string Tool = "tool";
}

internal sealed class TicketConfiguration : IEntityTypeConfiguration<Ticket>, IEntityTypeConfiguration<TicketComment>
{
    public void Configure(EntityTypeBuilder<Ticket> builder) => builder.ToTable("tickets");

    public void Configure(EntityTypeBuilder<TicketComment> builder)
    {
        builder.ToTable("ticket_comments");
        builder.HasOne<Ticket>().WithMany().HasForeignKey(c => c.TicketId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// An escalation's ticket follows its conversation: when the conversation ends (the agent closes
/// it, or the session is ended) the open or pending escalation tickets are resolved with it.
/// </summary>
public static class EscalationTickets
{
    public static async Task ResolveForEndedAsync(
        ParleyDb db, Infrastructure.Events.DomainEvents events, Guid conversationId, DateTime now, CancellationToken cancellationToken)
    {
        var open = await db.Set<Ticket>().Where(t => t.ConversationId == conversationId && t.Source == TicketSources.Escalation
            && (t.Status == TicketStatus.Open || t.Status == TicketStatus.Pending)).ToListAsync(cancellationToken);
        foreach (var ticket in open)
        {
            var previous = ticket.Status;
            ticket.Status = TicketStatus.Resolved;
            ticket.ResolvedAt = ticket.UpdatedAt = now;
            await events.RaiseAsync(db, ticket.TenantId, Infrastructure.Events.EventTypes.TicketUpdated, TicketEventData.From(ticket, ticket.AssigneeId, previous), ticket.CustomerUserId ?? ticket.CreatedBy, cancellationToken);
        }
    }
}
