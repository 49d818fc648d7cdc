using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Validation;
using Parley.Server.Tenants;

namespace Parley.Server.Users;

/// <summary>
/// A user as every document shows it: 000's username/full_name/is_verified, 001's
/// subscription_plan/is_active, 002's name, 004's role/tenant_id.
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
    public static UserResponse From(User u) => new(u.Id, u.Email, u.Username, u.FullName, u.FullName, u.Role, u.TenantId,
        u.SubscriptionPlan, u.IsActive, u.IsVerified, u.CreatedAt, u.UpdatedAt, u.LastLoginAt);
}

/// <summary>Fields a person may change about themselves. Role and tenant are not among them.</summary>
public sealed record UpdateMeRequest(string? Email, string? Username, string? FullName, string? Name, string? Password, string? CurrentPassword) : IValidatable
{
    public string? DisplayName => FullName ?? Name;

    public IEnumerable<FieldError> Validate()
    {
        if (Email is not null && !Check.IsEmail(Email))
        {
            yield return new FieldError("email", "Not a valid email address.");
        }

        if (Username is not null && !Check.IsUsername(Username))
        {
            yield return new FieldError("username", "3-64 letters, digits, '.', '_' or '-'.");
        }

        foreach (var e in Check.MaxLength("full_name", DisplayName, 200))
        {
            yield return e;
        }

        if (Password is not null && string.IsNullOrEmpty(CurrentPassword))
        {
            yield return new FieldError("current_password", "Required to change the password.");
        }
    }
}

/// <summary>An admin creating a user in their own tenant.</summary>
public sealed record CreateUserRequest(string? Email, string? Username, string? Password, string? FullName, string? Name, string? Role, string? SubscriptionPlan, bool? IsVerified) : IValidatable
{
    public IEnumerable<FieldError> Validate()
    {
        if (!Check.IsEmail(Email))
        {
            yield return new FieldError("email", "A valid email address is required.");
        }

        if (Username is not null && !Check.IsUsername(Username))
        {
            yield return new FieldError("username", "3-64 letters, digits, '.', '_' or '-'.");
        }

        foreach (var e in Check.Required("password", Password))
        {
            yield return e;
        }

        foreach (var e in Check.MaxLength("full_name", FullName ?? Name, 200))
        {
            yield return e;
        }

        if (Role is not null && !Roles.All.Contains(Role))
        {
            yield return new FieldError("role", "One of: admin, agent, user.");
        }

        if (SubscriptionPlan is not null && !Plans.All.Contains(SubscriptionPlan))
        {
            yield return new FieldError("subscription_plan", "One of: free, pro, enterprise.");
        }
    }
}

/// <summary>An admin changing a user of their tenant.</summary>
public sealed record AdminUpdateUserRequest(string? Email, string? Username, string? FullName, string? Name, string? Role, string? SubscriptionPlan, bool? IsActive, bool? IsVerified, string? Password) : IValidatable
{
    public IEnumerable<FieldError> Validate()
    {
        if (Email is not null && !Check.IsEmail(Email))
        {
            yield return new FieldError("email", "Not a valid email address.");
        }

        if (Username is not null && !Check.IsUsername(Username))
        {
            yield return new FieldError("username", "3-64 letters, digits, '.', '_' or '-'.");
        }

        foreach (var e in Check.MaxLength("full_name", FullName ?? Name, 200))
        {
            yield return e;
        }

        if (Role is not null && !Roles.All.Contains(Role))
        {
            yield return new FieldError("role", "One of: admin, agent, user.");
        }

        if (SubscriptionPlan is not null && !Plans.All.Contains(SubscriptionPlan))
        {
            yield return new FieldError("subscription_plan", "One of: free, pro, enterprise.");
        }
    }
}
