namespace Parley.Server.Infrastructure.Events;

/// <summary>
/// Credentials that no longer hold. <see cref="Kind"/> says what <see cref="Id"/> names: one login
/// session, all sessions of a user (but <see cref="Except"/>), a user (every socket, API keys too), an
/// API key or a tenant.
/// </summary>
public sealed record Revocation(string Kind, Guid Id, string Reason, Guid? UserId = null, Guid? Except = null)
{
    public const string Session = "session";
    public const string Sessions = "sessions";
    public const string User = "user";
    public const string ApiKey = "api_key";
    public const string Tenant = "tenant";

    /// <summary>The close frame's reason (at most 123 bytes by RFC 6455).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string CloseReason => Kind switch
    {
        Session or Sessions => "session revoked",
        ApiKey => "api key revoked",
        Tenant => "tenant deactivated",
        _ => "account changed",
    };
}

/// <summary>
/// Where the features that end credentials (logout, a deleted API key, a changed user, a deactivated
/// tenant) say so: whatever was opened with them and stays open (Realtime's sockets, on every instance)
/// is closed, and cached checks of them are dropped. Declared here so that those features, low in the
/// layers, need not know Realtime, which implements it.
/// </summary>
public interface ICredentialRevocations
{
    Task RevokeAsync(Revocation revocation, CancellationToken cancellationToken);
}
