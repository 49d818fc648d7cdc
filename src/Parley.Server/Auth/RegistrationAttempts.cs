using Microsoft.AspNetCore.Http.HttpResults;
using Parley.Server.Notifications;
using Parley.Server.Storage;
using Parley.Server.Tenants;
using Parley.Server.Users;

namespace Parley.Server.Auth;

/// <summary>
/// Registration with an email that already has an account. Telling the caller so would let anyone
/// learn which emails have accounts (in any tenant), so the answer has the status, shape and cost
/// (one password hash, one write) of a new account; nothing is created and its tokens open
/// nothing. The owner is told instead: a notification on their account, and a log line.
/// </summary>
public static class RegistrationAttempts
{
    public const string Category = "registration_attempt";

    public static async Task<Created<RegisterResponse>> AnswerAsync(User owner, RegisterRequest request, ParleyDb db, UserAccounts accounts, TokenService tokens,
        NotificationPusher pusher, ILogger logger, TimeProvider clock, CancellationToken cancellationToken)
    {
        var unsaved = accounts.Build(Tenant.PlatformId, request.Email!, request.Username, request.FullName ?? request.Name, request.Password!,
            Roles.User, PlanNames.Free, verified: false);
        var pair = tokens.Unusable(unsaved);
        var notification = new Notification
        {
            Id = Guid.CreateVersion7(),
            TenantId = owner.TenantId,
            UserId = owner.Id,
            Type = NotificationTypes.Warning,
            Category = Category,
            Title = "Someone tried to register with your email",
            Message = "An account was requested with your email address. You already have one, so nothing was created. "
                + "If this was you, sign in instead; if you forgot your password, ask an administrator to reset it.",
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Add(notification);
        db.AfterSave(() => pusher.Push([notification]));
        await db.SaveChangesAsync(cancellationToken);
        logger.LogWarning("Registration attempted with the email of existing account {UserId}; the owner was notified", owner.Id);
        return TypedResults.Created($"/api/v1/users/{unsaved.Id}", RegisterResponse.For(unsaved, pair, await db.PlanOfAsync(unsaved.TenantId, cancellationToken)));
    }
}

/// <summary>The log category of registration attempts.</summary>
public sealed class RegistrationRequestLog;
