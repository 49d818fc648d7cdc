namespace Parley.Server.Evaluation;

/// <summary>
/// <c>parley eval &lt;kind&gt; --data &lt;path&gt;</c>: measures the built-in engine on public labelled data
/// and prints the figures, one <c>name: value</c> per line. Runs before the web host is built, so it
/// needs no database, no configuration and no network. Exit codes: 0 done, 1 unreadable data, 2 usage.
/// </summary>
public static class EvaluationCommand
{
    /// <summary>Each kind reads the data at a path (and its flags) and writes its figures; adding a kind is one line.</summary>
    private static readonly Dictionary<string, Func<string, IReadOnlyList<string>, TextWriter, CancellationToken, Task>> Kinds = new(StringComparer.Ordinal)
    {
        ["intents"] = (data, _, output, ct) => IntentsEvaluation.RunAsync(data, output, ct),
        ["pii"] = (data, _, output, ct) => PiiEvaluationRun.RunAsync(data, output, ct),
        ["retrieval"] = (data, _, output, ct) => Knowledge.Evaluation.RetrievalEvaluation.RunAsync(data, output, ct),
        ["answers"] = (data, args, output, ct) => AnswersEvaluation.RunAsync(data, AnswersRun.FromArgs(args), output, ct),
    };

    public static string Usage =>
        $"usage: dotnet run --project src/Parley.Server -c Release -- eval <{string.Join('|', Kinds.Keys)}> --data <path>"
        + " (answers: [--diagnose] [--user-turns-only] [--dialogues N] [--oos N])";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Count == 0 || !Kinds.TryGetValue(args[0], out var run))
        {
            await error.WriteLineAsync(args.Count == 0 ? "eval: name what to evaluate." : $"eval: unknown evaluation '{args[0]}'.");
            await error.WriteLineAsync(Usage);
            return 2;
        }

        var data = Option(args, "--data");
        if (string.IsNullOrWhiteSpace(data))
        {
            await error.WriteLineAsync($"eval {args[0]}: --data <path> is required.");
            await error.WriteLineAsync(Usage);
            return 2;
        }

        try
        {
            await run(Path.GetFullPath(data), args, output, cancellationToken);
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or HttpRequestException or System.Text.Json.JsonException or KeyNotFoundException or ArgumentException)
        {
            await error.WriteLineAsync($"eval {args[0]}: {e.Message}");
            return 1;
        }
    }

    internal static string? Option(IReadOnlyList<string> args, string name)
    {
        for (var i = 1; i < args.Count; i++)
        {
            if (args[i] == name && i + 1 < args.Count)
            {
                return args[i + 1];
            }

            if (args[i].StartsWith(name + "=", StringComparison.Ordinal))
            {
                return args[i][(name.Length + 1)..];
            }
        }

        return null;
    }
}
