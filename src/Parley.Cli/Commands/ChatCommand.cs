using System.CommandLine;

namespace Parley.Cli.Commands;

public static class ChatCommand
{
    public static Command Create()
    {
        var session = new Option<string?>("--session") { Description = "Continue this session (conversation) id." };
        var assistant = new Option<Guid?>("--assistant") { Description = "Start the new session with this assistant." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Show intent, confidence and redactions under each answer." };
        var command = new Command("chat", "Chat in a REPL: answers stream as they arrive; /help lists the slash commands. Piped input: one turn per line.")
        {
            session,
            assistant,
            verbose,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            var repl = new ChatRepl(context, context.Client(), parse.GetValue(session), parse.GetValue(assistant), parse.GetValue(verbose));
            return await repl.RunAsync(Console.In, ct);
        });
        return command;
    }
}
