using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Parley.Server.Storage;

namespace Parley.Server.Auth;

/// <summary>The access-token key: from configuration, or generated once into the data directory.</summary>
public sealed class SigningKeys
{
    private const string FileName = "jwt-signing.key";

    public SigningKeys(IOptions<AuthOptions> options, DataDirectory dataDirectory)
    {
        var bytes = options.Value.SigningKey is { Length: > 0 } configured ? Decode(configured) : LoadOrCreate(dataDirectory.File(FileName));
        if (bytes.Length < 32)
        {
            throw new OptionsValidationException(AuthOptions.Section, typeof(AuthOptions), ["Parley:Auth:SigningKey must be at least 32 bytes (base64 or text)."]);
        }

        Key = new SymmetricSecurityKey(bytes) { KeyId = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] };
    }

    public SymmetricSecurityKey Key { get; }

    private static byte[] Decode(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out var written) ? buffer[..written] : System.Text.Encoding.UTF8.GetBytes(value);
    }

    private static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }

        var key = RandomNumberGenerator.GetBytes(64);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var writer = new StreamWriter(path, options);
            writer.Write(Convert.ToBase64String(key));
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process sharing the data directory created it first: use theirs.
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
    }
}
