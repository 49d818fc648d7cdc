namespace Parley.Server.Auth;

public static class ParleyClaims
{
    public const string UserId = "sub";
    public const string TenantId = "tid";
    public const string Role = "role";
    public const string SessionId = "sid";
    public const string AuthMethod = "amr";

    /// <summary>The API key a request authenticated with (so revoking the key closes its sockets).</summary>
    public const string ApiKeyId = "kid";
}
