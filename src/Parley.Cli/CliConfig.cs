using System.Text.Json;
using Parley.Client;

namespace Parley.Cli;

/// <summary>
/// What <c>parley login</c> keeps: the server and its credentials, in <c>parley/config.json</c>
/// under the user's config directory (<c>$XDG_CONFIG_HOME</c>, else <c>~/.config</c>; <c>%APPDATA%</c>
/// on Windows), readable by the user only (0600, directory 0700).
/// </summary>
public sealed record CliConfig
{
    public string? Server { get; init; }
    public string? Email { get; init; }
    public string? AccessToken { get; init; }
    public string? RefreshToken { get; init; }
    public string? ApiKey { get; init; }

    public bool HasCredentials => AccessToken is not null || ApiKey is not null;

    public static string Directory => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "parley");

    public static string FilePath => Path.Combine(Directory, "config.json");

    public static CliConfig Load()
    {
        try
        {
            return File.Exists(FilePath) ? JsonSerializer.Deserialize<CliConfig>(File.ReadAllText(FilePath), ParleyJson.Options) ?? new CliConfig() : new CliConfig();
        }
        catch (JsonException)
        {
            // A damaged file is the same as no login; the next login rewrites it.
            return new CliConfig();
        }
    }

    /// <summary>Written to a new 0600 file, then moved over the old one, so the secret is never readable by others, even for a moment.</summary>
    public void Save()
    {
        var directory = System.IO.Directory.CreateDirectory(Directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var temp = FilePath + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, this, ParleyJson.Options);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temp, FilePath, overwrite: true);
    }

    public CliConfig WithoutCredentials() => this with { AccessToken = null, RefreshToken = null, ApiKey = null };
}
