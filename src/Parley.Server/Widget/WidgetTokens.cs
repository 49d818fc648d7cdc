using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Parley.Server.Widget;

/// <summary>The channel's public website token, its identity secret, and the HMAC the host site computes with it.</summary>
public static class WidgetTokens
{
    public const string WebsitePrefix = "wt_";
    public const string SecretPrefix = "wsec_";

    public static string NewWebsiteToken() => WebsitePrefix + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(18));

    public static string NewSecret() => SecretPrefix + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    /// <summary>Lower-case hex HMAC-SHA256 of the identifier (UTF-8) keyed with the secret (UTF-8).</summary>
    public static string IdentityHash(string secret, string identifier)
        => Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(identifier)));

    public static bool Verify(string secret, string identifier, string hash)
    {
        var expected = Encoding.ASCII.GetBytes(IdentityHash(secret, identifier));
        var given = Encoding.ASCII.GetBytes(hash.Trim().ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
