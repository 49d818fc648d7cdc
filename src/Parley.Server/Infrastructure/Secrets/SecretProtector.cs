using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Parley.Server.Storage;

namespace Parley.Server.Infrastructure.Secrets;

/// <summary>
/// Encrypts secrets Parley stores for its users (integration credentials, tool headers, webhook
/// secrets) with ASP.NET Core Data Protection. Store only <see cref="Protect"/>'s output; never
/// return a secret from an API, only whether one is set.
/// </summary>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Parley.Secrets.v1");

    public string Protect(string plaintext) => _protector.Protect(plaintext);

    /// <summary>The plaintext, or null when the ciphertext cannot be read (keys lost or rotated away).</summary>
    public string? Unprotect(string? ciphertext)
    {
        if (string.IsNullOrEmpty(ciphertext))
        {
            return null;
        }

        try
        {
            return _protector.Unprotect(ciphertext);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}

public static class SecretsSetup
{
    public const string KeyDirectoryKey = "Parley:Secrets:KeyDirectory";

    /// <summary>
    /// Keys live in <c>{data}/keys</c> unless <c>Parley:Secrets:KeyDirectory</c> names a directory
    /// (instances that share a database must share it too).
    /// </summary>
    public static WebApplicationBuilder AddParleySecrets(this WebApplicationBuilder builder)
    {
        var configured = builder.Configuration[KeyDirectoryKey];
        var directory = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(DataDirectory.FromConfiguration(builder.Configuration).Path, "keys")
            : configured;
        builder.Services.AddDataProtection()
            .SetApplicationName("parley")
            .PersistKeysToFileSystem(new DirectoryInfo(directory));
        builder.Services.AddSingleton<SecretProtector>();
        return builder;
    }
}
