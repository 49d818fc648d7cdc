using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Validation;
using Parley.Server.Tenants;
using Parley.Server.Users;

namespace Parley.Server.Auth;

/// <summary>Every documented registration shape: Integration Platform (username, full_name), Three-Database Chatbot (subscription_plan), Customer Care AI (name).</summary>
public sealed record RegisterRequest(string? Email, string? Username, string? Password, string? FullName, string? Name, string? SubscriptionPlan) : IValidatable
{
    public IEnumerable<FieldError> Validate()
    {
        var errors = UserRules.Profile(Email, emailRequired: true, Username, FullName ?? Name).ToList();
        if (SubscriptionPlan is not null && SubscriptionPlan != PlanNames.Free)
        {
            errors.Add(new FieldError("subscription_plan", PlanNames.All.Contains(SubscriptionPlan)
                ? "Self-registration starts on the free plan; an administrator assigns paid plans."
                : "One of: free, pro, enterprise."));
        }

        return errors;
    }
}

/// <summary>JSON (Three-Database Chatbot to HeliosCS) or form fields (Integration Platform: <c>username</c> may hold the email).</summary>
public sealed record LoginRequest(string? Email, string? Username, string? Password);

public sealed record RefreshRequest(string? RefreshToken);

/// <summary>Registration answers with the user (Integration Platform) and with tokens plus <c>user</c> (Three-Database Chatbot).</summary>
public sealed record RegisterResponse(
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
    string AccessToken,
    string RefreshToken,
    string TokenType,
    int ExpiresIn,
    UserResponse User)
{
    public static RegisterResponse For(User u, TokenPair t, string tenantPlan) => new(u.Id, u.Email, u.Username, u.FullName, u.FullName, u.Role, u.TenantId,
        tenantPlan, u.IsActive, u.IsVerified, u.CreatedAt, t.AccessToken, t.RefreshToken, "bearer", t.ExpiresIn, UserResponse.From(u, tenantPlan));
}

public sealed record LoginResponse(string AccessToken, string RefreshToken, string TokenType, int ExpiresIn, UserResponse User);

/// <summary>From /auth/refresh. <c>refresh_token</c> is null when the call was made with an access token (Integration Platform's form).</summary>
public sealed record TokenResponse(string AccessToken, string? RefreshToken, string TokenType, int ExpiresIn, UserResponse User);

public sealed record MessageResponse(string Message);
