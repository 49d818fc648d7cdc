using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Storage;

namespace Parley.Server.Notifications;

public sealed record NotificationList(IReadOnlyList<NotificationView> Notifications, int TotalCount, int UnreadCount, int Limit, int Offset);

public sealed record MarkReadResponse(int MarkedRead, int UnreadCount);

/// <summary>The Three-Database Chatbot document's <c>/notifications</c>: every signed-in user sees and marks only their own.</summary>
public static class NotificationsApi
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;
    public const int MaxIds = 500;

    public static RouteGroupBuilder MapNotifications(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/notifications").WithTags("Notifications");
        group.MapGet("", ListAsync);
        group.MapPost("/mark-read", MarkReadAsync);
        return group;
    }

    /// <summary><c>?limit=</c> (1-100, default 20), <c>offset</c>, <c>unread_only=true</c>; newest first.</summary>
    private static async Task<Results<Ok<NotificationList>, ErrorResult>> ListAsync(HttpRequest request, ParleyDb db, CurrentUser me, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var limit = Int(request, "limit", 1, MaxLimit, DefaultLimit, errors);
        var offset = Int(request, "offset", 0, 1_000_000, 0, errors);
        var unreadOnlyText = request.Query["unread_only"].ToString();
        var unreadOnly = false;
        if (unreadOnlyText.Length > 0 && !bool.TryParse(unreadOnlyText, out unreadOnly))
        {
            errors.Add(new FieldError("unread_only", "true or false."));
        }

        if (errors.Count > 0)
        {
            return ErrorResult.InvalidQuery(errors);
        }

        var mine = db.Set<Notification>().AsNoTracking().Where(n => n.UserId == me.RequiredUserId);
        var total = await mine.CountAsync(cancellationToken);
        var unread = await mine.CountAsync(n => n.ReadAt == null, cancellationToken);
        var rows = await (unreadOnly ? mine.Where(n => n.ReadAt == null) : mine)
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
            .Skip(offset).Take(limit)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new NotificationList([.. rows.Select(NotificationView.From)], total, unread, limit, offset));
    }

    /// <summary>
    /// <c>{"notification_ids": [...]}</c> marks those (ids that are not the caller's are ignored, so
    /// nothing is learnt about other users'); no ids, an empty body or <c>{"all": true}</c> marks all.
    /// </summary>
    private static async Task<Results<Ok<MarkReadResponse>, ErrorResult>> MarkReadAsync(HttpRequest request, ParleyDb db, CurrentUser me, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (ids, error) = await ReadIdsAsync(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var targets = db.Set<Notification>().Where(n => n.UserId == me.RequiredUserId && n.ReadAt == null);
        if (ids is not null)
        {
            targets = targets.Where(n => ids.Contains(n.Id));
        }

        var marked = await targets.ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), cancellationToken);
        var unread = await db.Set<Notification>().CountAsync(n => n.UserId == me.RequiredUserId && n.ReadAt == null, cancellationToken);
        return TypedResults.Ok(new MarkReadResponse(marked, unread));
    }

    /// <summary>Null ids means "all". Ids may carry Three-Database Chatbot's <c>notif_</c> prefix.</summary>
    private static async Task<(List<Guid>? Ids, ErrorResult? Error)> ReadIdsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength == 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding")))
        {
            return (null, null);
        }

        if (request.ContentLength > 64 * 1024)
        {
            return (null, ErrorResult.Status(413, "The body may be at most 64 KiB."));
        }

        JsonElement root;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return (null, ErrorResult.BadRequest("The request body is not valid JSON."));
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, ErrorResult.Validation("body", "A JSON object is required."));
        }

        if (root.TryGetProperty("all", out var all) && all.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
        {
            return (null, ErrorResult.Validation("all", "Must be true or false."));
        }

        if (!root.TryGetProperty("notification_ids", out var list) || list.ValueKind == JsonValueKind.Null || all.ValueKind == JsonValueKind.True)
        {
            return (null, null);
        }

        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() > MaxIds)
        {
            return (null, ErrorResult.Validation("notification_ids", $"A list of at most {MaxIds} notification ids."));
        }

        var ids = new List<Guid>();
        foreach (var item in list.EnumerateArray())
        {
            var text = item.ValueKind == JsonValueKind.String ? item.GetString()! : string.Empty;
            if (!Guid.TryParse(text.StartsWith("notif_", StringComparison.Ordinal) ? text[6..] : text, out var id))
            {
                return (null, ErrorResult.Validation("notification_ids", $"'{item}' is not a notification id."));
            }

            ids.Add(id);
        }

        return (ids, null);
    }

    private static int Int(HttpRequest request, string name, int min, int max, int fallback, List<FieldError> errors)
    {
        var raw = request.Query[name].ToString();
        if (raw.Length == 0)
        {
            return fallback;
        }

        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            errors.Add(new FieldError(name, $"Must be a whole number from {min} to {max}."));
            return fallback;
        }

        return value;
    }
}
