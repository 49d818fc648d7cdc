using Parley.Client;

namespace Parley.Cli;

/// <summary>Turns any failure into one readable line and its exit code.</summary>
public static class Failure
{
    public static (int Code, string Message) Describe(Exception e) => e switch
    {
        CliException c => (c.ExitCode, c.Message),
        ParleyApiException { Status: 401 } => (ExitCodes.NotLoggedIn, "Your login has expired or was revoked: run `parley login`."),
        ParleyApiException { Code: ParleyApiException.Unreachable } p => (ExitCodes.Error, p.Message),
        ParleyApiException p => (ExitCodes.Error, $"{p.ToDisplayString()} [{p.Status} {p.Code}{(p.RequestId is null ? "" : ", request " + p.RequestId)}]"),
        OperationCanceledException => (ExitCodes.Error, "Cancelled."),
        IOException or UnauthorizedAccessException => (ExitCodes.Error, e.Message),
        _ => (ExitCodes.Error, $"Unexpected error: {e.Message}"),
    };
}
