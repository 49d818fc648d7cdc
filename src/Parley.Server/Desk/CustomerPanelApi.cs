using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.ConversationModel;
using Parley.Server.Conversations;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Storage;
using Parley.Server.Tickets;
using Parley.Server.Users;
using Parley.Server.Widget;

namespace Parley.Server.Desk;

/// <summary>
/// Who the customer is as far as Parley knows it. <c>verified_id</c> is the host site's own user id,
/// set only after its HMAC was checked (web widget identity verification); <c>name</c> and
/// <c>email</c> of a widget visitor come from the pre-chat form and are what the visitor typed.
/// </summary>
public sealed record CustomerIdentity(
    Guid? UserId, string? CustomerId, string? Role, string? Username, string? Name, string? Email, bool Verified, string? VerifiedId, Guid? WidgetChannelId, DateTime? FirstSeenAt);

public sealed record CustomerPanelView(
    Guid ConversationId, CustomerIdentity Customer, IReadOnlyList<ConversationView> Conversations, int ConversationsTotal, IReadOnlyList<TicketView> Tickets, int TicketsTotal);

/// <summary>
/// <c>GET /conversations/{id}/customer</c>, agents and admins: the customer of a conversation, their
/// other conversations and their tickets (newest first, <see cref="Shown"/> of each; the totals say
/// how many there are), all inside the caller's tenant.
/// </summary>
public static class CustomerPanelApi
{
    public const int Shown = 10;

    public static RouteHandlerBuilder MapCustomerPanel(this RouteGroupBuilder api)
        => api.MapGet("/conversations/{id:guid}/customer", GetAsync).WithTags("Conversations").RequireAuthorization(AuthSetup.Policies.Agent);

    private static async Task<Results<Ok<CustomerPanelView>, ErrorResult>> GetAsync(Guid id, ConversationService conversations, ParleyDb db, CancellationToken cancellationToken)
    {
        if (await conversations.FindAsync(id, cancellationToken) is not { } conversation)
        {
            return ErrorResult.NotFound("Conversation");
        }

        var userId = conversation.UserId;
        var customerId = conversation.CustomerId;
        var identity = await IdentityAsync(db, userId, customerId, cancellationToken);

        var others = db.Conversations.AsNoTracking().Where(c => c.Id != id
            && (userId != null ? c.UserId == userId : customerId != null && c.CustomerId == customerId));
        var earlier = await others.OrderByDescending(c => c.CreatedAt).Take(Shown).ToListAsync(cancellationToken);

        var tickets = db.Set<Ticket>().AsNoTracking().Where(t => (userId != null && t.CustomerUserId == userId) || (customerId != null && t.CustomerId == customerId)
            || t.ConversationId == id);
        var recentTickets = await tickets.OrderByDescending(t => t.CreatedAt).Take(Shown).ToListAsync(cancellationToken);

        return TypedResults.Ok(new CustomerPanelView(id, identity,
            earlier.Select(c => ConversationView.From(c)).ToList(), await others.CountAsync(cancellationToken),
            recentTickets.Select(t => TicketView.From(t)).ToList(), await tickets.CountAsync(cancellationToken)));
    }

    private static async Task<CustomerIdentity> IdentityAsync(ParleyDb db, Guid? userId, string? customerId, CancellationToken cancellationToken)
    {
        var user = userId is null ? null : await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return new CustomerIdentity(userId, customerId, null, null, null, null, false, null, null, null);
        }

        if (user.Role == Roles.Visitor && await db.Set<WidgetVisitor>().AsNoTracking().FirstOrDefaultAsync(v => v.Id == user.Id, cancellationToken) is { } visitor)
        {
            return new CustomerIdentity(user.Id, customerId, user.Role, null, visitor.Name, visitor.Email, visitor.Identifier is not null, visitor.Identifier,
                visitor.ChannelId, visitor.CreatedAt);
        }

        // A registered account: the email it signed up with (verified when the account says so).
        return new CustomerIdentity(user.Id, customerId, user.Role, user.Username, user.FullName, user.Email, user.IsVerified, null, null, user.CreatedAt);
    }
}
