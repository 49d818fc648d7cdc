using System.ComponentModel.DataAnnotations;

namespace Parley.Server.Auth;

public sealed class AuthOptions
{
    public const string Section = "Parley:Auth";

    /// <summary>
    /// HMAC key for access tokens (base64, at least 32 bytes; env <c>Parley__Auth__SigningKey</c>).
    /// When empty, a random key is generated once into the data directory. Instances that share a
    /// database must share this key.
    /// </summary>
    public string? SigningKey { get; set; }

    [Required] public string Issuer { get; set; } = "parley";
    [Required] public string Audience { get; set; } = "parley-api";
    [Range(1, 24 * 60)] public int AccessTokenMinutes { get; set; } = 30;
    [Range(1, 365)] public int RefreshTokenDays { get; set; } = 7;

    /// <summary>PBKDF2-HMAC-SHA512 iterations; 210,000 is OWASP's 2023 figure for SHA-512.</summary>
    [Range(1_000, 10_000_000)] public int PasswordIterations { get; set; } = 210_000;
    [Range(8, 128)] public int MinPasswordLength { get; set; } = 8;
    public bool AllowSelfRegistration { get; set; } = true;

    /// <summary>
    /// How long one instance reuses what it read about a caller (role, active, session). Changes
    /// made on this instance apply at once; on other instances within this many seconds. 0: never reuse.
    /// </summary>
    [Range(0, 300)] public int PrincipalCacheSeconds { get; set; } = 5;

    /// <summary>Failed logins allowed per account, and per client IP, inside the window.</summary>
    [Range(1, 10_000)] public int MaxFailedLoginsPerAccount { get; set; } = 5;
    [Range(1, 100_000)] public int MaxFailedLoginsPerIp { get; set; } = 20;
    [Range(1, 24 * 60)] public int FailedLoginWindowMinutes { get; set; } = 15;
}
