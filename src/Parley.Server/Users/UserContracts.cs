using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Validation;
using Parley.Server.Tenants;

namespace Parley.Server.Users;

/// <summary>
/// A user as every document shows it: Integration Platform's username/full_name/is_verified, Three-Database Chatbot's
/// subscription_plan/is_active, Customer Care AI's name, HeliosCS's role/tenant_id. The plan is the tenant's
/// (<see cref="TenantPlans"/>), the same one the dashboard and the quotas use.
/// </summary>
public sealed record UserResponse(
    Guid Id,
    string Email,
    string? Username,
    string? FullName,
    string? Name,
    string Role,
    Guid TenantId,
    string SubscriptionPlan,
    bool IsActive,
    bool IsVerified,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? LastLoginAt)
{
    public static UserResponse From(User u, string tenantPlan) => new(u.Id, u.Email, u.Username, u.FullName, u.FullName, u.Role, u.TenantId,
        tenantPlan, u.IsActive, u.IsVerified, u.CreatedAt, u.UpdatedAt, u.LastLoginAt);
}

/// <summary>Fields a person may change about themselves. Role and tenant are not among them.</summary>
public sealed record UpdateMeRequest(string? Email, string? Username, string? FullName, string? Name, string? Password, string? CurrentPassword) : IValidatable
{
    public string? DisplayName => FullName ?? Name;

    public IEnumerable<FieldError> Validate()
    {
        var errors = UserRules.Profile(Email, emailRequired: false, Username, DisplayName).ToList();
        if (Password is not null && string.IsNullOrEmpty(CurrentPassword))
        {
            errors.Add(new FieldError("current_password", "Required to change the password."));
        }

        return errors;
    }
}

/// <summary>An admin creating a user in their own tenant.</summary>
public sealed record CreateUserRequest(string? Email, string? Username, string? Password, string? FullName, string? Name, string? Role, string? SubscriptionPlan, bool? IsVerified) : IValidatable
{
    public IEnumerable<FieldError> Validate()
        => UserRules.Profile(Email, emailRequired: true, Username, FullName ?? Name)
            .Concat(Check.Required("password", Password))
            .Concat(UserRules.RoleAndPlan(Role, SubscriptionPlan));
}

/// <summary>An admin changing a user of their tenant.</summary>
public sealed record AdminUpdateUserRequest(string? Email, string? Username, string? FullName, string? Name, string? Role, string? SubscriptionPlan, bool? IsActive, bool? IsVerified, string? Password) : IValidatable
{
    public IEnumerable<FieldError> Validate()
        => UserRules.Profile(Email, emailRequired: false, Username, FullName ?? Name).Concat(UserRules.RoleAndPlan(Role, SubscriptionPlan));
}

/// <summary>The field rules every request that carries user fields shares.</summary>
public static class UserRules
{
    public static IEnumerable<FieldError> Profile(string? email, bool emailRequired, string? username, string? fullName, string prefix = "")
    {
        if ((emailRequired || email is not null) && !Check.IsEmail(email))
        {
            yield return new FieldError(prefix + "email", emailRequired ? "A valid email address is required." : "Not a valid email address.");
        }

        if (username is not null && !Check.IsUsername(username))
        {
            yield return new FieldError(prefix + "username", "3-64 letters, digits, '.', '_' or '-'.");
        }

        foreach (var e in Check.MaxLength(prefix + "full_name", fullName, 200))
        {
            yield return e;
        }
    }

    public static IEnumerable<FieldError> RoleAndPlan(string? role, string? plan)
    {
        if (role is not null && !Roles.All.Contains(role))
        {
            yield return new FieldError("role", "One of: admin, agent, user.");
        }

        if (plan is not null && !PlanNames.All.Contains(plan))
        {
            yield return new FieldError("subscription_plan", "One of: free, pro, enterprise.");
        }
    }
}
