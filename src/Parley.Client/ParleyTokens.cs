namespace Parley.Client;

/// <summary>What a login gives: a short-lived access token and the refresh token that renews it.</summary>
public sealed record ParleyTokens(string AccessToken, string? RefreshToken, DateTimeOffset? ExpiresAt = null);

/// <summary>How the client authenticates: tokens from a login (refreshed on 401), an API key, or nothing.</summary>
public abstract record ParleyCredentials
{
    public sealed record Tokens(ParleyTokens Value) : ParleyCredentials;

    public sealed record ApiKey(string Key) : ParleyCredentials;
}
