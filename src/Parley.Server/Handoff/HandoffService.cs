using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.ConversationModel;
using Parley.Server.Conversations;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Events;
using Parley.Server.Realtime;
using Parley.Server.Storage;
using Parley.Server.Tickets;
using Parley.Server.Users;

namespace Parley.Server.Handoff;

/// <summary>
/// Live handoff: an escalated conversation waits in its tenant's queue until an agent claims it;
/// while an agent holds it the bot stays silent (see <see cref="TurnPipeline"/>), and it answers
/// again once the agent hands the conversation back. Every step raises <c>conversation.updated</c>,
/// leaves a system message in the conversation and tells its sockets (<c>escalation</c>, <c>presence</c>).
/// </summary>
public sealed class HandoffService(
    ParleyDb db, CurrentUser me, TicketService tickets, DomainEvents events, ConversationLocks locks, ConversationNotifier notifier, TimeProvider clock) : ITurnEscalation
{
    /// <summary>
    /// Marks a conversation escalated inside the caller's unit of work (a turn, or <see cref="EscalateAsync"/>):
    /// opens its ticket and raises the event. The caller has set the status and saves.
    /// </summary>
    public async Task<Ticket> EscalatedAsync(Conversation conversation, string previousStatus, string? reason, string? lastCustomerMessage, CancellationToken cancellationToken)
    {
        conversation.Status = ConversationStatus.Escalated;
        conversation.AssignedAgentId = null;
        conversation.EscalatedAt = clock.GetUtcNow().UtcDateTime;
        conversation.EscalationReason = reason;
        var ticket = await tickets.AddForEscalationAsync(conversation, reason, lastCustomerMessage, me.UserId, cancellationToken);
        await events.RaiseAsync(db, conversation.TenantId, EventTypes.ConversationUpdated, ConversationEventData.From(conversation, previousStatus, reason), conversation.UserId, cancellationToken);
        return ticket;
    }

    Task ITurnEscalation.EscalateAsync(Conversation conversation, string previousStatus, string? reason, string lastCustomerMessage, CancellationToken cancellationToken)
        => EscalatedAsync(conversation, previousStatus, reason, lastCustomerMessage, cancellationToken);

    /// <summary>Escalates on request (the customer, an agent, or the escalate_to_human tool); escalating twice changes nothing.</summary>
    public async Task<(Conversation? Conversation, Ticket? Ticket, ErrorResult? Error)> EscalateAsync(Conversation conversation, string? reason, CancellationToken cancellationToken)
    {
        using (await locks.AcquireAsync(conversation.Id, cancellationToken))
        {
            await db.Entry(conversation).ReloadAsync(cancellationToken);
            switch (conversation.Status)
            {
                case ConversationStatus.Ended:
                    return (null, null, ErrorResult.Conflict("This conversation has ended."));
                case ConversationStatus.Escalated:
                    return (conversation, null, null);
            }

            var previous = conversation.Status;
            var last = await db.Messages.AsNoTracking().Where(m => m.ConversationId == conversation.Id && m.MessageType == MessageTypes.User)
                .OrderByDescending(m => m.Sequence).Select(m => m.Content).FirstOrDefaultAsync(cancellationToken);
            var ticket = await EscalatedAsync(conversation, previous, reason ?? "requested", last, cancellationToken);
            conversation.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(cancellationToken);
            await notifier.SignalAsync(conversation, "escalation",
                new { conversation_id = conversation.Id, status = conversation.Status, reason = conversation.EscalationReason, ticket_id = ticket.Id }, me.UserId, CancellationToken.None);
            return (conversation, ticket, null);
        }
    }

    /// <summary>An agent takes an escalated conversation; 409 when another agent got there first.</summary>
    public async Task<ErrorResult?> ClaimAsync(Conversation conversation, CancellationToken cancellationToken)
    {
        var agent = me.RequiredUserId;
        using (await locks.AcquireAsync(conversation.Id, cancellationToken))
        {
            await db.Entry(conversation).ReloadAsync(cancellationToken);
            if (conversation.Status != ConversationStatus.Escalated)
            {
                return ErrorResult.Conflict("Only escalated conversations can be claimed.");
            }

            if (conversation.AssignedAgentId == agent)
            {
                return null;
            }

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Conditional, so two agents on different instances cannot both win.
            var won = await db.Conversations.Where(c => c.Id == conversation.Id && c.Status == ConversationStatus.Escalated && c.AssignedAgentId == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.AssignedAgentId, agent), cancellationToken);
            if (won == 0)
            {
                return ErrorResult.Conflict("Another agent has already claimed this conversation.");
            }

            conversation.AssignedAgentId = agent;
            foreach (var ticket in await db.Set<Ticket>().Where(t => t.ConversationId == conversation.Id && t.Source == TicketSources.Escalation
                && t.AssigneeId == null && (t.Status == TicketStatus.Open || t.Status == TicketStatus.Pending)).ToListAsync(cancellationToken))
            {
                ticket.AssigneeId = agent;
                ticket.UpdatedAt = clock.GetUtcNow().UtcDateTime;
                await events.RaiseAsync(db, ticket.TenantId, EventTypes.TicketUpdated, TicketEventData.From(ticket, null, ticket.Status), ticket.CustomerUserId ?? ticket.CreatedBy, cancellationToken);
            }

            var message = await StepAsync(conversation, ConversationStatus.Escalated, "An agent has joined the conversation.", cancellationToken, await SenderNameAsync(cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            await AnnounceAsync(conversation, message, "claimed", "joined");
            return null;
        }
    }

    /// <summary>An agent's reply (a message of type <c>agent</c>); only the agent holding the conversation replies.</summary>
    public async Task<(Message? Message, ErrorResult? Error)> ReplyAsync(Conversation conversation, string content, CancellationToken cancellationToken)
    {
        using (await locks.AcquireAsync(conversation.Id, cancellationToken))
        {
            await db.Entry(conversation).ReloadAsync(cancellationToken);
            if (conversation.Status != ConversationStatus.Escalated || conversation.AssignedAgentId != me.UserId)
            {
                return (null, ErrorResult.Conflict("Claim this escalated conversation before replying in it."));
            }

            var message = Append(conversation, MessageTypes.Agent, content.Trim(), await SenderNameAsync(cancellationToken));
            await events.RaiseAsync(db, conversation.TenantId, EventTypes.MessageReceived, MessageEventData.From(message), conversation.UserId, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await notifier.MessageStoredAsync(conversation, message, CancellationToken.None);
            return (message, null);
        }
    }

    /// <summary>Hands the conversation back to the bot (<c>active</c>), or ends it (<c>close</c>).</summary>
    public async Task<ErrorResult?> FinishAsync(Conversation conversation, bool close, CancellationToken cancellationToken)
    {
        using (await locks.AcquireAsync(conversation.Id, cancellationToken))
        {
            await db.Entry(conversation).ReloadAsync(cancellationToken);
            if (conversation.Status != ConversationStatus.Escalated)
            {
                return ErrorResult.Conflict(close && conversation.Status == ConversationStatus.Ended
                    ? "This conversation has already ended."
                    : "Only escalated conversations are handed back or closed here.");
            }

            if (conversation.AssignedAgentId is { } holder && holder != me.UserId && !me.IsAdmin)
            {
                return ErrorResult.Conflict("Another agent holds this conversation.");
            }

            var previous = conversation.Status;
            conversation.Status = close ? ConversationStatus.Ended : ConversationStatus.Active;
            conversation.AssignedAgentId = null;
            conversation.LowConfidenceStreak = 0;
            if (close)
            {
                conversation.EndedAt = clock.GetUtcNow().UtcDateTime;
                await EscalationTickets.ResolveForEndedAsync(db, events, conversation.Id, conversation.EndedAt.Value, cancellationToken);
            }

            var message = await StepAsync(conversation, previous,
                close ? "The agent has closed the conversation." : "The agent has handed the conversation back to the assistant.", cancellationToken);
            if (close)
            {
                await events.RaiseAsync(db, conversation.TenantId, EventTypes.ConversationEnded, ConversationEventData.From(conversation, previous), conversation.UserId, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
            }

            await AnnounceAsync(conversation, message, close ? "closed" : "released", "left");
            return null;
        }
    }

    private async Task<Message> StepAsync(Conversation conversation, string previousStatus, string text, CancellationToken cancellationToken, string? senderName = null)
    {
        var message = Append(conversation, MessageTypes.System, text, senderName);
        await events.RaiseAsync(db, conversation.TenantId, EventTypes.ConversationUpdated, ConversationEventData.From(conversation, previousStatus), conversation.UserId, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return message;
    }

    /// <summary>The acting agent's display name, which customers see (the chat widget shows it when a person joins).</summary>
    private async Task<string?> SenderNameAsync(CancellationToken cancellationToken)
        => await db.Users.AsNoTracking().Where(u => u.Id == me.UserId).Select(u => u.FullName ?? u.Username).FirstOrDefaultAsync(cancellationToken);

    private Message Append(Conversation conversation, string type, string content, string? senderName = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var message = TurnPipeline.NewMessage(conversation, type, content, now);
        message.SenderId = me.UserId;
        if (senderName is not null)
        {
            message.Metadata = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["sender_name"] = senderName });
        }

        conversation.LastSequence = message.Sequence;
        conversation.MessageCount++;
        conversation.LastMessageAt = conversation.UpdatedAt = now;
        db.Messages.Add(message);
        return message;
    }

    private async Task AnnounceAsync(Conversation conversation, Message message, string step, string presence)
    {
        await notifier.MessageStoredAsync(conversation, message, CancellationToken.None);
        await notifier.SignalAsync(conversation, "escalation",
            new { conversation_id = conversation.Id, status = conversation.Status, step, assigned_agent_id = conversation.AssignedAgentId, agent_id = me.UserId },
            me.UserId, CancellationToken.None);
        await notifier.SignalAsync(conversation, "presence", new { user_id = me.UserId, role = me.Role, status = presence }, me.UserId, CancellationToken.None);
    }
}
