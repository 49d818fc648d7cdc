namespace Parley.Server.Evaluation;

/// <summary>
/// <c>parley eval &lt;kind&gt; --data &lt;path&gt;</c>: measures the built-in engine on public labelled data
/// and prints the figures, one <c>name: value</c> per line. Runs before the web host is built, so it
/// needs no database, no configuration and no network. Exit codes: 0 done, 1 unreadable data, 2 usage.
/// </summary>
public static class EvaluationCommand
{
    /// <summary>Each kind reads the data at a path (and its own flags from the arguments) and writes its figures; adding a kind is one line.</summary>
    private static readonly Dictionary<string, Func<string, IReadOnlyList<string>, TextWriter, CancellationToken, Task>> Kinds = new(StringComparer.Ordinal)
    {
        ["intents"] = (path, args, output, ct) => IntentsEvaluation.RunAsync(path, IntentOptions(args), output, ct),
        ["pii"] = (path, args, output, ct) => PiiEvaluationRun.RunAsync(path, PiiOptions(args), output, ct),
        ["retrieval"] = (path, _, output, ct) => Knowledge.Evaluation.RetrievalEvaluation.RunAsync(path, output, ct),
        ["answers"] = (path, args, output, ct) => AnswersEvaluation.RunAsync(path, AnswersRun.FromArgs(args), output, ct),
    };

    /// <summary>What can be evaluated: <c>intents</c>, <c>pii</c>, <c>retrieval</c>, <c>answers</c>.</summary>
    public static IReadOnlyCollection<string> KindNames => Kinds.Keys;

    /// <summary>Every flag some kind reads; anything else starting with <c>--</c> is a usage error, not silently ignored.</summary>
    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal)
    {
        "--data", "--shots", "--resamples", "--no-oos-train", "--folds", "--write-model", "--model", "--chat", "--negatives",
        "--title-case-every", "--diagnose", "--user-turns-only", "--dialogues", "--oos", "--turns-json",
    };

    /// <summary>Each kind's own flags, as <see cref="Usage"/> lists them after <c>--data &lt;path&gt;</c> (the CLI's help shows them too).</summary>
    public const string FlagsUsage =
        "[intents: --shots N [--resamples N] | --no-oos-train] [pii: --folds N | --write-model <file> | --model <file>] [--chat <intents dir>] [--negatives N] [--title-case-every N]"
        + " [answers: --diagnose] [--user-turns-only] [--dialogues N] [--oos N]";

    public static string Usage =>
        $"usage: dotnet run --project src/Parley.Server -c Release -- eval <{string.Join('|', Kinds.Keys)}> --data <path> {FlagsUsage}";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Count == 0 || !Kinds.TryGetValue(args[0], out var run))
        {
            await error.WriteLineAsync(args.Count == 0 ? "eval: name what to evaluate." : $"eval: unknown evaluation '{args[0]}'.");
            await error.WriteLineAsync(Usage);
            return 2;
        }

        if (args.Skip(1).FirstOrDefault(a => a.StartsWith("--", StringComparison.Ordinal) && !Flags.Contains(a.Split('=')[0])) is { } unknown)
        {
            await error.WriteLineAsync($"eval {args[0]}: unknown option '{unknown}'.");
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

    private static IntentsEvaluationOptions IntentOptions(IReadOnlyList<string> args) => new(
        Shots: Number(args, "--shots", 1, 1000),
        NoOutOfScopeTraining: args.Contains("--no-oos-train"),
        Resamples: Number(args, "--resamples", 0, 100) ?? 4);

    private static PiiEvaluationOptions PiiOptions(IReadOnlyList<string> args) => new(
        Folds: Number(args, "--folds", 2, 50),
        WriteModel: Option(args, "--write-model") is { Length: > 0 } file ? Path.GetFullPath(file) : null,
        Chat: Option(args, "--chat") is { Length: > 0 } chat ? Path.GetFullPath(chat) : null,
        Negatives: Number(args, "--negatives", 0, 1_000_000) ?? PiiEvaluationOptions.DefaultNegatives,
        TitleCaseEvery: Number(args, "--title-case-every", 0, 1000) ?? PiiEvaluationOptions.DefaultTitleCaseEvery,
        Model: Option(args, "--model") is { Length: > 0 } model ? Path.GetFullPath(model) : null);

    /// <summary>An integer flag in [min, max]; a malformed one is a usage error (exit 1 with the message), not a silent default.</summary>
    private static int? Number(IReadOnlyList<string> args, string name, int min, int max)
    {
        var text = Option(args, name);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"{name} takes a whole number from {min} to {max}, not '{text}'.");
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
