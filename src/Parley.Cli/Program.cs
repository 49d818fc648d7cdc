using System.CommandLine;
using Parley.Cli;
using Parley.Cli.Commands;
using Spectre.Console;

if (Console.IsOutputRedirected)
{
    // Piped output: no colours or cursor tricks, and tables as wide as their content needs.
    AnsiConsole.Profile.Width = 200;
}

var root = new RootCommand("parley: chat with Parley and operate a Parley server. Exit codes: 0 ok, 1 error, 2 usage, 3 not logged in.");
root.Options.Add(CliContext.ServerOption);
root.Options.Add(CliContext.JsonOption);
root.Subcommands.Add(AuthCommands.Login());
root.Subcommands.Add(AuthCommands.Logout());
root.Subcommands.Add(AuthCommands.WhoAmI());
root.Subcommands.Add(StatusCommand.Create());
root.Subcommands.Add(ChatCommand.Create());
root.Subcommands.Add(KnowledgeCommands.Create());
root.Subcommands.Add(EvalCommand.Create());
foreach (var command in OperatorCommands.Create())
{
    root.Subcommands.Add(command);
}

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        await Console.Error.WriteLineAsync("parley: " + error.Message);
    }

    await Console.Error.WriteLineAsync("Run `parley --help` for usage.");
    return ExitCodes.Usage;
}

try
{
    // Ctrl-C is the chat REPL's to handle (it stops an answer, not the REPL); elsewhere it ends the process.
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
}
catch (Exception e)
{
    var (code, message) = Failure.Describe(e);
    await Console.Error.WriteLineAsync("parley: " + message);
    return code;
}
