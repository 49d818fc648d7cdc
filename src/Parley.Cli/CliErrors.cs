namespace Parley.Cli;

/// <summary>The documented exit codes (docs/cli.md).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Error = 1;
    public const int Usage = 2;
    public const int NotLoggedIn = 3;
}

/// <summary>Ends a command with one readable line and an exit code; never a stack trace.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static CliException NotLoggedIn(string server) => new(ExitCodes.NotLoggedIn, $"Not logged in to {server}: run `parley login`.");

    public static CliException Usage(string message) => new(ExitCodes.Usage, message);
}
