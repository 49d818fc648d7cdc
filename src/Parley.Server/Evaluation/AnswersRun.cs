using System.Globalization;

namespace Parley.Server.Evaluation;

/// <summary>
/// The flags of <c>eval answers</c>. <see cref="Diagnose"/> prints one line per scored turn;
/// <see cref="UserTurnsOnly"/> replays only the customer's turns (the replay before issue 18's fix,
/// for comparison); <see cref="Dialogues"/> and <see cref="OutOfScope"/> take the first N of each
/// (a deterministic subset, for the floor test); <see cref="TurnsJson"/> writes every scored turn's
/// passages (evidence, similarity, in context, FAQ keys) to a file, to study answer rules offline.
/// </summary>
public sealed record AnswersRun(bool Diagnose = false, bool UserTurnsOnly = false, int? Dialogues = null, int? OutOfScope = null, string? TurnsJson = null)
{
    public static AnswersRun FromArgs(IReadOnlyList<string> args) => new(
        args.Contains("--diagnose"),
        args.Contains("--user-turns-only"),
        Count(EvaluationCommand.Option(args, "--dialogues"), "--dialogues"),
        Count(EvaluationCommand.Option(args, "--oos"), "--oos"),
        EvaluationCommand.Option(args, "--turns-json"));

    private static int? Count(string? value, string name)
        => value is null ? null
            : int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n
            : throw new ArgumentException($"{name} takes a whole number, not '{value}'.");
}

/// <summary>The figures of one <c>eval answers</c> run (counts), and the cross-validated threshold.</summary>
public sealed record AnswersReport(
    int Seeking,
    int FirstCorrect,
    int AnyCorrect,
    int AnsweredWrong,
    int Abstained,
    int Other,
    int OtherAnswered,
    int OutOfScope,
    int OutOfScopeAnswered,
    int Answers,
    int AnswersRepeatingQuestion,
    Calibration Calibration);
