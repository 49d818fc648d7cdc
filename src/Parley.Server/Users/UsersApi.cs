using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Pagination;
using Parley.Server.Storage;
using Parley.Server.Tenants;

namespace Parley.Server.Users;

public static class UsersApi
{
    private static readonly ListSpec<User> ListSpec = new ListSpec<User>(u => u.Id)
        .SortBy("created_at", u => u.CreatedAt, isDefault: true)
        .SortBy("updated_at", u => u.UpdatedAt)
        .SortBy("email", u => u.NormalizedEmail)
        .SortBy("username", u => u.NormalizedUsername)
        .SortBy("full_name", u => u.FullName)
        .SortBy("role", u => u.Role)
        .SortBy("last_login_at", u => u.LastLoginAt)
        .FilterBy("role", v => Roles.All.Contains(v) ? u => u.Role == v : null)
        .FilterBy("subscription_plan", v => PlanNames.All.Contains(v) ? u => u.SubscriptionPlan == v : null)
        .FilterBy("is_active", v => bool.TryParse(v, out var b) ? u => u.IsActive == b : null)
        .FilterBy("is_verified", v => bool.TryParse(v, out var b) ? u => u.IsVerified == b : null)
        .SearchBy(term =>
        {
            var t = term.ToUpperInvariant();
            return u => u.NormalizedEmail.Contains(t) || (u.NormalizedUsername != null && u.NormalizedUsername.Contains(t))
                || (u.FullName != null && u.FullName.ToUpper().Contains(t));
        });

    /// <summary>
    /// The tenant's accounts: staff and registered customers. Widget visitors are users of role
    /// <c>visitor</c> underneath, but not accounts anyone administers here: admins see them per
    /// channel (<c>GET /widget/channels/{id}/visitors</c>), and /users neither lists nor changes them.
    /// </summary>
    public static IQueryable<User> Accounts(ParleyDb db) => db.Users.Where(u => u.Role != Roles.Visitor);

    public static RouteGroupBuilder MapUsers(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/users").WithTags("Users");
        group.MapGet("/me", GetMeAsync);
        group.MapPut("/me", UpdateMeAsync);
        group.MapGet("", ListAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapPost("", CreateAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapPut("/{id:guid}", UpdateAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapDelete("/{id:guid}", DeleteAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        return group;
    }

    public static async Task<Results<Ok<UserResponse>, ErrorResult>> GetMeAsync(ParleyDb db, CurrentUser me, HttpContext http, CancellationToken cancellationToken)
        => PrincipalCheck.Current(http) is { } snapshot
            ? TypedResults.Ok(snapshot.Profile)
            : await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == me.RequiredUserId, cancellationToken) is { } user
            ? TypedResults.Ok(UserResponse.From(user, await db.PlanOfAsync(user.TenantId, cancellationToken)))
            : ErrorResult.NotFound("User");

    private static async Task<Results<Ok<UserResponse>, ErrorResult>> UpdateMeAsync(
        UpdateMeRequest request, ParleyDb db, CurrentUser me, UserAccounts accounts, PasswordHashing hashing, TokenService tokens,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == me.RequiredUserId, cancellationToken);
        if (user is null)
        {
            return ErrorResult.NotFound("User");
        }

        if (request.Password is not null)
        {
            if (accounts.CheckPassword(request.Password) is { } weak)
            {
                return ErrorResult.Validation([weak]);
            }

            if (hashing.Verify(user.PasswordHash, request.CurrentPassword!) == PasswordVerificationResult.Failed)
            {
                return ErrorResult.Validation("current_password", "The current password is not correct.");
            }

            accounts.SetPassword(user, request.Password);
            // Other devices must log in again with the new password.
            await tokens.RevokeAllSessionsAsync(user.Id, "password_changed", me.SessionId, cancellationToken);
        }

        return await ApplyProfileAsync(user, request.Email, request.Username, request.DisplayName, db, accounts, clock, cancellationToken);
    }

    private static async Task<Results<PagedResult<UserResponse>, ErrorResult>> ListAsync(ParleyDb db, CurrentUser me, PageQuery query, CancellationToken cancellationToken)
    {
        var plan = await db.PlanOfAsync(me.RequiredTenantId, cancellationToken);
        return await ListSpec.ToPageAsync(Accounts(db).AsNoTracking(), query, u => UserResponse.From(u, plan), cancellationToken);
    }

    private static async Task<Results<Created<UserResponse>, ErrorResult>> CreateAsync(
        CreateUserRequest request, ParleyDb db, CurrentUser me, UserAccounts accounts, CancellationToken cancellationToken)
    {
        if (accounts.CheckPassword(request.Password) is { } weak)
        {
            return ErrorResult.Validation([weak]);
        }

        var plan = await db.PlanOfAsync(me.RequiredTenantId, cancellationToken);
        if (OtherPlan(request.SubscriptionPlan, plan, me.RequiredTenantId) is { } planError)
        {
            return planError;
        }

        if (await accounts.CheckUniqueAsync(request.Email, request.Username, null, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        var user = accounts.Add(me.RequiredTenantId, request.Email!, request.Username, request.FullName ?? request.Name, request.Password!,
            request.Role ?? Roles.User, plan, request.IsVerified ?? false);
        return await accounts.SaveAsync(cancellationToken) is { } error
            ? error
            : TypedResults.Created($"/api/v1/users/{user.Id}", UserResponse.From(user, plan));
    }

    /// <summary>The plan is the tenant's: a user record may repeat it, never set another.</summary>
    private static ErrorResult? OtherPlan(string? requested, string tenantPlan, Guid tenantId)
        => requested is null || requested == tenantPlan
            ? null
            : ErrorResult.Validation("subscription_plan",
                $"The plan belongs to the tenant ('{tenantPlan}'), not to a user; a platform admin changes it with PUT /api/v1/tenants/{tenantId}/plan.");

    /// <summary>Admins and agents see any user of their tenant; a user sees only themselves.</summary>
    private static async Task<Results<Ok<UserResponse>, ErrorResult>> GetAsync(Guid id, ParleyDb db, CurrentUser me, CancellationToken cancellationToken)
    {
        if (!me.IsAgentOrAdmin && id != me.UserId)
        {
            return ErrorResult.NotFound("User");
        }

        return await Accounts(db).AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken) is { } user
            ? TypedResults.Ok(UserResponse.From(user, await db.PlanOfAsync(user.TenantId, cancellationToken)))
            : ErrorResult.NotFound("User");
    }

    private static async Task<Results<Ok<UserResponse>, ErrorResult>> UpdateAsync(
        Guid id, AdminUpdateUserRequest request, ParleyDb db, UserAccounts accounts, TokenService tokens, TimeProvider clock, CancellationToken cancellationToken)
    {
        var user = await Accounts(db).FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null)
        {
            return ErrorResult.NotFound("User");
        }

        if (OtherPlan(request.SubscriptionPlan, await db.PlanOfAsync(user.TenantId, cancellationToken), user.TenantId) is { } planError)
        {
            return planError;
        }

        var losesAdmin = (request.Role is not null && request.Role != Roles.Admin) || request.IsActive == false;
        if (losesAdmin && await accounts.IsLastActiveAdminAsync(user, cancellationToken))
        {
            return ErrorResult.Conflict("This is the tenant's last active admin; make another admin first.");
        }

        if (request.Password is not null)
        {
            if (accounts.CheckPassword(request.Password) is { } weak)
            {
                return ErrorResult.Validation([weak]);
            }

            accounts.SetPassword(user, request.Password);
        }

        if (request.Password is not null || request.IsActive == false)
        {
            await tokens.RevokeAllSessionsAsync(user.Id, request.IsActive == false ? "deactivated" : "password_reset", null, cancellationToken);
        }

        user.Role = request.Role ?? user.Role;
        user.IsActive = request.IsActive ?? user.IsActive;
        user.IsVerified = request.IsVerified ?? user.IsVerified;
        return await ApplyProfileAsync(user, request.Email, request.Username, request.FullName ?? request.Name, db, accounts, clock, cancellationToken);
    }

    private static async Task<Results<NoContent, ErrorResult>> DeleteAsync(Guid id, ParleyDb db, CurrentUser me, UserAccounts accounts, CancellationToken cancellationToken)
    {
        var user = await Accounts(db).FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null)
        {
            return ErrorResult.NotFound("User");
        }

        if (user.Id == me.UserId || await accounts.IsLastActiveAdminAsync(user, cancellationToken))
        {
            return ErrorResult.Conflict("You cannot delete your own account or the tenant's last active admin.");
        }

        db.Users.Remove(user);
        return await accounts.SaveAsync(cancellationToken) is { } error ? error : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<UserResponse>, ErrorResult>> ApplyProfileAsync(
        User user, string? email, string? username, string? fullName, ParleyDb db, UserAccounts accounts, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await accounts.CheckUniqueAsync(email, username, user.Id, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        if (email is not null)
        {
            accounts.SetEmail(user, email);
        }

        if (username is not null)
        {
            accounts.SetUsername(user, username);
        }

        user.FullName = fullName?.Trim() ?? user.FullName;
        user.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        return await accounts.SaveAsync(cancellationToken) is { } error ? error : TypedResults.Ok(UserResponse.From(user, await db.PlanOfAsync(user.TenantId, cancellationToken)));
    }
}
