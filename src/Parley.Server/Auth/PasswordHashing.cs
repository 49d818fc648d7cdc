using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Parley.Server.Users;

namespace Parley.Server.Auth;

/// <summary>
/// PBKDF2 through ASP.NET Core Identity's hasher (HMAC-SHA512, salted, iteration count in the hash)
/// at the configured strength; hashes made with fewer iterations are upgraded at the next login.
/// </summary>
public sealed class PasswordHashing
{
    private readonly PasswordHasher<User> _hasher;
    private readonly string _dummyHash;

    public PasswordHashing(IOptions<AuthOptions> options)
    {
        _hasher = new PasswordHasher<User>(Options.Create(new PasswordHasherOptions
        {
            CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
            IterationCount = options.Value.PasswordIterations,
        }));
        _dummyHash = _hasher.HashPassword(null!, "parley-timing-equaliser");
    }

    public string Hash(string password) => _hasher.HashPassword(null!, password);

    public PasswordVerificationResult Verify(string hash, string password) => _hasher.VerifyHashedPassword(null!, hash, password);

    /// <summary>Spends the same time as a real check so unknown accounts cannot be told apart by timing.</summary>
    public void VerifyAgainstDummy(string password) => _hasher.VerifyHashedPassword(null!, _dummyHash, password);
}
