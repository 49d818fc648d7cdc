using Microsoft.AspNetCore.Http.HttpResults;
using Parley.Server.Infrastructure.Events;
using Parley.Server.Storage;
using Parley.Server.Tenants;
using Parley.Server.Users;

namespace Parley.Server.Auth;

/// <summary>
/// Registration with an email that already has an account. Telling the caller so would let anyone
/// learn which emails have accounts (in any tenant), so the answer has the status, shape and cost
/// (one password hash, one write) of a new account; nothing is created and its tokens open
/// nothing. The owner is told instead: <see cref="Event"/> (which the Notifications feature turns
/// into a notification on their account, in the same write), and a log line.
/// </summary>
public static class RegistrationAttempts
{
    /// <summary>Raised for notifications only (not webhook-subscribable); data <c>{user_id}</c>, the account's owner.</summary>
    public const string Event = "registration.attempted";

    public const string Category = "registration_attempt";

    public static async Task<Created<RegisterResponse>> AnswerAsync(User owner, RegisterRequest request, ParleyDb db, UserAccounts accounts, TokenService tokens,
        DomainEvents events, ILogger logger, CancellationToken cancellationToken)
    {
        var unsaved = accounts.Build(Tenant.PlatformId, request.Email!, request.Username, request.FullName ?? request.Name, request.Password!,
            Roles.User, PlanNames.Free, verified: false);
        var pair = tokens.Unusable(unsaved);
        await events.RaiseAsync(db, owner.TenantId, Event, new RegistrationAttempt(owner.Id), owner.Id, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogWarning("Registration attempted with the email of existing account {UserId}; the owner was notified", owner.Id);
        return TypedResults.Created($"/api/v1/users/{unsaved.Id}", RegisterResponse.For(unsaved, pair, await db.PlanOfAsync(unsaved.TenantId, cancellationToken)));
    }
}

/// <summary>The data of <see cref="RegistrationAttempts.Event"/>: whose email someone tried to register with.</summary>
public sealed record RegistrationAttempt(Guid UserId);

/// <summary>The log category of registration attempts.</summary>
public sealed class RegistrationRequestLog;
