using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Events;
using Parley.Server.Storage;

namespace Parley.Server.Users;

/// <summary>Creating and changing accounts: the rules shared by registration, admins and tenants.</summary>
public sealed class UserAccounts(ParleyDb db, PasswordHashing hashing, PrincipalCheck principals, Infrastructure.Events.ICredentialRevocations sockets, DomainEvents events, IOptions<AuthOptions> options, TimeProvider clock)
{
    public FieldError? CheckPassword(string? password, string field = "password") => password switch
    {
        null or "" => new FieldError(field, "Field required."),
        { Length: > 128 } => new FieldError(field, "At most 128 characters."),
        _ when password.Length < options.Value.MinPasswordLength => new FieldError(field, $"At least {options.Value.MinPasswordLength} characters."),
        _ => null,
    };

    /// <summary>Email and username are unique across all tenants (login takes either, without a tenant).</summary>
    public async Task<ErrorResult?> CheckUniqueAsync(string? email, string? username, Guid? exceptUserId, CancellationToken cancellationToken)
    {
        var users = db.Users.IgnoreQueryFilters().Where(u => u.Id != exceptUserId);
        if (email is not null && await users.AnyAsync(u => u.NormalizedEmail == User.Normalize(email), cancellationToken))
        {
            return ErrorResult.Conflict("An account with this email already exists.");
        }

        if (username is not null && await users.AnyAsync(u => u.NormalizedUsername == User.Normalize(username), cancellationToken))
        {
            return ErrorResult.Conflict("This username is taken.");
        }

        return null;
    }

    /// <summary>The account, in any tenant, that already uses this email.</summary>
    public Task<User?> FindByEmailAsync(string email, CancellationToken cancellationToken)
        => db.Users.IgnoreQueryFilters().FirstOrDefaultAsync(u => u.NormalizedEmail == User.Normalize(email), cancellationToken);

    public User Add(Guid tenantId, string email, string? username, string? fullName, string password, string role, string plan, bool verified)
    {
        var user = Build(tenantId, email, username, fullName, password, role, plan, verified);
        db.Users.Add(user);
        return user;
    }

    /// <summary>A new account, hashed and complete, that is not (yet) stored.</summary>
    public User Build(Guid tenantId, string email, string? username, string? fullName, string password, string role, string plan, bool verified)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var user = new User
        {
            Id = Guid.CreateVersion7(),
            TenantId = tenantId,
            Email = email.Trim(),
            NormalizedEmail = User.Normalize(email),
            Username = username?.Trim(),
            NormalizedUsername = username is null ? null : User.Normalize(username),
            FullName = fullName?.Trim(),
            PasswordHash = hashing.Hash(password),
            Role = role,
            SubscriptionPlan = plan,
            IsVerified = verified,
            CreatedAt = now,
            UpdatedAt = now,
        };
        return user;
    }

    public void SetEmail(User user, string email)
    {
        user.Email = email.Trim();
        user.NormalizedEmail = User.Normalize(email);
    }

    public void SetUsername(User user, string username)
    {
        user.Username = username.Trim();
        user.NormalizedUsername = User.Normalize(username);
    }

    public void SetPassword(User user, string password) => user.PasswordHash = hashing.Hash(password);

    /// <summary>
    /// Saves; a unique-index race (two sign-ups with one email) becomes a 409, not a 500. Changed
    /// or deleted users are forgotten by the principal cache so the change applies at once.
    /// </summary>
    public async Task<ErrorResult?> SaveAsync(CancellationToken cancellationToken)
    {
        var changed = db.ChangeTracker.Entries<User>()
            .Where(e => e.State is EntityState.Modified or EntityState.Deleted)
            .Select(e => e.Entity.Id)
            .ToList();
        // Sockets were opened as this user with this role: a removed, disabled or re-roled user's sockets close.
        var lostAccess = db.ChangeTracker.Entries<User>()
            .Where(e => e.State is EntityState.Deleted
                || (e.State is EntityState.Modified && (!e.Entity.IsActive || !Equals(e.Property(u => u.Role).OriginalValue, e.Entity.Role))))
            .Select(e => e.Entity.Id)
            .ToList();
        foreach (var entry in db.ChangeTracker.Entries<User>().Where(e => e.State is EntityState.Added or EntityState.Modified).ToList())
        {
            var user = entry.Entity;
            await events.RaiseAsync(db, user.TenantId, entry.State == EntityState.Added ? EventTypes.UserCreated : EventTypes.UserUpdated,
                new { user_id = user.Id, email = user.Email, username = user.Username, full_name = user.FullName, role = user.Role, is_active = user.IsActive }, user.Id, cancellationToken);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            changed.ForEach(principals.Forget);
            foreach (var userId in lostAccess)
            {
                await sockets.RevokeAsync(new Infrastructure.Events.Revocation(Infrastructure.Events.Revocation.User, userId, "account changed", userId), cancellationToken);
            }

            return null;
        }
        catch (DbUpdateException e) when (IsUniqueViolation(e))
        {
            return ErrorResult.Conflict("An account with this email or username already exists.");
        }
    }

    /// <summary>True when this change would leave the tenant with no active admin.</summary>
    public async Task<bool> IsLastActiveAdminAsync(User user, CancellationToken cancellationToken)
        => user.Role == Roles.Admin && user.IsActive
           && !await db.Users.AnyAsync(u => u.Id != user.Id && u.Role == Roles.Admin && u.IsActive, cancellationToken);

    private static bool IsUniqueViolation(DbUpdateException e)
        => e.InnerException switch
        {
            Microsoft.Data.Sqlite.SqliteException s => s.SqliteErrorCode == 19,
            Npgsql.PostgresException p => p.SqlState == "23505",
            _ => false,
        };
}
