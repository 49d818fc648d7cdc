using System.CommandLine;
using System.Text;
using Parley.Server.Evaluation;
using Spectre.Console;

namespace Parley.Cli.Commands;

/// <summary>
/// <c>parley eval intents|pii|retrieval|answers --data DIR [flags]</c>: the server's <see cref="EvaluationCommand"/>
/// itself (the code behind <c>dotnet run --project src/Parley.Server -- eval</c>), with a spinner while it runs. The
/// kind's own flags (<c>--shots 10</c>, <c>--dialogues 100</c>, ...) pass through to it, which names a wrong one.
/// Local: no server to log in to (<c>answers</c> starts a scratch Parley of its own).
/// </summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var kind = new Argument<string>("kind") { Description = string.Join(", ", EvaluationCommand.KindNames) + "." };
        kind.AcceptOnlyFromAmong([.. EvaluationCommand.KindNames]);
        var data = new Option<string>("--data") { Description = "The labelled data set (file or directory).", Required = true };
        var command = new Command(
            "eval",
            "Measure the built-in engine on labelled data and print the figures (the server's eval, run locally). The kind's own flags follow: "
            + EvaluationCommand.FlagsUsage)
        {
            kind,
            data,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            string[] args = [parse.GetValue(kind)!, "--data", parse.GetValue(data)!, .. parse.UnmatchedTokens];
            if (Console.IsOutputRedirected)
            {
                return await EvaluationCommand.RunAsync(args, Console.Out, Console.Error, ct);
            }

            var code = 0;
            await AnsiConsole.Status().Spinner(Spinner.Known.Dots).StartAsync($"evaluating {args[0]} on {Markup.Escape(args[2])}...", async _ =>
            {
                // Each figure appears as soon as the evaluation prints it, above the spinner.
                using var lines = new LineWriter(line => AnsiConsole.WriteLine(line));
                code = await EvaluationCommand.RunAsync(args, lines, Console.Error, ct);
            });
            return code;
        });
        return command;
    }

    private sealed class LineWriter(Action<string> onLine) : TextWriter
    {
        private readonly StringBuilder _line = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            if (value == '\n')
            {
                onLine(_line.ToString().TrimEnd('\r'));
                _line.Clear();
            }
            else
            {
                _line.Append(value);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && _line.Length > 0)
            {
                onLine(_line.ToString());
                _line.Clear();
            }

            base.Dispose(disposing);
        }
    }
}
