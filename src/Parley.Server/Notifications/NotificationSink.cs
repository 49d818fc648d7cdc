using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Infrastructure.Events;
using Parley.Server.Storage;
using Parley.Server.Users;
using Parley.Server.Webhooks;

namespace Parley.Server.Notifications;

/// <summary>
/// Turns the events people must hear about into notifications, in the caller's unit of work:
/// an escalation (to the tenant's agents and admins), a ticket assigned (to its assignee), a task
/// finished or failed, a quota warning and a registration attempted with an existing account's
/// email (to data.user_id). Pushed live once saved.
/// </summary>
public sealed class NotificationSink(NotificationPusher pusher) : IDomainEventSink
{
    private sealed record Draft(IReadOnlyCollection<Guid> Recipients, string Type, string Category, string Title, string Message, object Data);

    public async ValueTask AddAsync(ParleyDb db, DomainEvent domainEvent, CancellationToken cancellationToken)
    {
        if (domainEvent.Type is not (EventTypes.ConversationUpdated or EventTypes.TicketCreated or EventTypes.TicketUpdated or EventTypes.TaskCompleted
            or NotificationEvents.TaskFailed or NotificationEvents.QuotaWarning or NotificationEvents.RegistrationAttempted))
        {
            return;
        }

        var data = domainEvent.Data as JsonElement? ?? JsonSerializer.SerializeToElement(domainEvent.Data, WebhookOutbox.Json);
        var draft = domainEvent.Type switch
        {
            EventTypes.ConversationUpdated => await EscalationAsync(db, domainEvent.TenantId, data, cancellationToken),
            EventTypes.TicketCreated or EventTypes.TicketUpdated => TicketAssigned(domainEvent.Type, data),
            EventTypes.TaskCompleted => ForUser(data, NotificationTypes.Success, "task_completed", "Task complete",
                $"Your {Text(data, "task_type") ?? "background"} task has finished; its results are ready.", new { task_id = Text(data, "task_id"), task_type = Text(data, "task_type") }),
            NotificationEvents.TaskFailed => ForUser(data, NotificationTypes.Error, "task_failed", "Task failed",
                $"Your {Text(data, "task_type") ?? "background"} task failed: {Text(data, "error") ?? "unknown error"}.", new { task_id = Text(data, "task_id"), task_type = Text(data, "task_type"), error = Text(data, "error") }),
            NotificationEvents.RegistrationAttempted => ForUser(data, NotificationTypes.Warning, Auth.RegistrationAttempts.Category, "Someone tried to register with your email",
                "An account was requested with your email address. You already have one, so nothing was created. "
                + "If this was you, sign in instead; if you forgot your password, ask an administrator to reset it.", new { }),
            _ => ForUser(data, NotificationTypes.Warning, "quota_warning", "Approaching your quota",
                $"You have used {Raw(data, "used")} of {Raw(data, "limit")} {Text(data, "metric") ?? "units"}; the quota resets at {Raw(data, "reset_at")}.", data),
        };
        if (draft is null || draft.Recipients.Count == 0)
        {
            return;
        }

        // Only active users of the event's tenant: an id from elsewhere never receives anything.
        var recipients = draft.Recipients.ToList();
        var valid = await db.Users.IgnoreQueryFilters().AsNoTracking()
            .Where(u => u.TenantId == domainEvent.TenantId && u.IsActive && recipients.Contains(u.Id))
            .Select(u => u.Id)
            .ToListAsync(cancellationToken);
        var json = JsonSerializer.Serialize(draft.Data, WebhookOutbox.Json);
        var created = valid.Select(userId => new Notification
        {
            Id = Guid.CreateVersion7(),
            TenantId = domainEvent.TenantId,
            UserId = userId,
            Type = draft.Type,
            Category = draft.Category,
            Title = draft.Title,
            Message = draft.Message,
            Data = json,
            CreatedAt = domainEvent.OccurredAt.UtcDateTime,
        }).ToList();
        if (created.Count == 0)
        {
            return;
        }

        db.AddRange(created);
        db.AfterSave(() => pusher.Push(created));
    }

    private static async Task<Draft?> EscalationAsync(ParleyDb db, Guid tenantId, JsonElement data, CancellationToken cancellationToken)
    {
        if (Text(data, "status") != "escalated" || Text(data, "previous_status") == "escalated")
        {
            return null;
        }

        var staff = await db.Users.IgnoreQueryFilters().AsNoTracking()
            .Where(u => u.TenantId == tenantId && u.IsActive && (u.Role == Roles.Agent || u.Role == Roles.Admin))
            .Select(u => u.Id)
            .ToListAsync(cancellationToken);
        var title = Text(data, "title");
        return new Draft(staff, NotificationTypes.Warning, "escalation", "Conversation escalated",
            title is null ? "A customer is waiting for a person." : $"A customer is waiting for a person in \"{title}\".",
            new { conversation_id = Text(data, "conversation_id"), status = "escalated", previous_status = Text(data, "previous_status") });
    }

    private static Draft? TicketAssigned(string type, JsonElement data)
    {
        var assignee = Id(data, "assignee_id");
        if (assignee is null || (type == EventTypes.TicketUpdated && Id(data, "previous_assignee_id") == assignee))
        {
            return null;
        }

        var title = Text(data, "title");
        return new Draft([assignee.Value], NotificationTypes.Info, "ticket_assigned", "Ticket assigned to you",
            title is null ? "A ticket was assigned to you." : $"\"{title}\" was assigned to you (priority {Text(data, "priority") ?? "normal"}).",
            new { ticket_id = Text(data, "ticket_id"), title, priority = Text(data, "priority"), conversation_id = Text(data, "conversation_id") });
    }

    private static Draft? ForUser(JsonElement data, string type, string category, string title, string message, object payload)
        => Id(data, "user_id") is { } user ? new Draft([user], type, category, title, message, payload) : null;

    private static string? Text(JsonElement data, string name)
        => data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText())
            : null;

    private static string Raw(JsonElement data, string name) => Text(data, name) ?? "?";

    private static Guid? Id(JsonElement data, string name) => Guid.TryParse(Text(data, name), out var id) ? id : null;
}
