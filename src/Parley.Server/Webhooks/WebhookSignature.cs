using System.Security.Cryptography;
using System.Text;

namespace Parley.Server.Webhooks;

/// <summary>
/// Standard Webhooks signatures (standardwebhooks.com): <c>webhook-signature: v1,&lt;base64
/// HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}"&gt;</c>. Secrets look like
/// <c>whsec_&lt;base64&gt;</c> and the key is the decoded bytes; any other secret a user chose
/// (the AI Assistant Platform document shows <c>"webhook-secret"</c>) is used as its UTF-8 bytes.
/// </summary>
public static class WebhookSignature
{
    public const string Prefix = "whsec_";
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    public static string NewSecret() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static byte[] Key(string secret)
    {
        if (secret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            var encoded = secret[Prefix.Length..];
            var buffer = new byte[encoded.Length];
            if (Convert.TryFromBase64String(encoded, buffer, out var written) && written > 0)
            {
                return buffer[..written];
            }
        }

        return Encoding.UTF8.GetBytes(secret);
    }

    public static string Sign(string secret, string id, long timestamp, string body)
    {
        var content = Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(Key(secret), content));
    }

    /// <summary>True when any of the space-separated signatures in the header is a valid v1 signature.</summary>
    public static bool Verify(string secret, string id, long timestamp, string body, string header)
    {
        var expected = Encoding.ASCII.GetBytes(Sign(secret, id, timestamp, body));
        foreach (var candidate in header.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(candidate)))
            {
                return true;
            }
        }

        return false;
    }
}
