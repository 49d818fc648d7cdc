using System.Globalization;

namespace Parley.Server.Evaluation;

/// <summary>One scored turn: what kind, which fold, the gold FAQ key (knowledge-seeking turns) and the passages the bot had.</summary>
public sealed record ScoredTurn(string Kind, int Fold, string? Gold, IReadOnlyList<Candidate> Candidates)
{
    public const string Seeking = "seeking";
    public const string Other = "other";
    public const string OutOfScope = "oos";

    /// <summary>What the built-in engine answers from at thresholds t: retrieval's first passage, if it passes them (as <c>BuiltInAnswerEngine</c> decides).</summary>
    public Candidate? AnswerAt(Thresholds t)
        => Candidates.Count > 0 && t.Answers(Candidates[0]) ? Candidates[0] : null;
}

/// <summary>A passage the bot had for a turn: the FAQ keys it stands for, its evidence, and whether it is of the source the conversation is about.</summary>
public sealed record Candidate(IReadOnlySet<string> Keys, double Score, bool InContext, double? Similarity = null);

/// <summary>
/// The answer thresholds: for a passage of the source the conversation is about, and for any other; with
/// <see cref="Similarity"/> set, a passage in context whose similarity to the turn is known needs
/// <see cref="InContextWithSimilarity"/> and that similarity instead of <see cref="InContext"/>.
/// </summary>
public sealed record Thresholds(double Elsewhere, double InContext, double? InContextWithSimilarity = null, double? Similarity = null)
{
    public bool Answers(Candidate c) => c switch
    {
        { InContext: true, Similarity: { } similarity } when Similarity is { } minimum => c.Score >= InContextWithSimilarity && similarity >= minimum,
        { InContext: true } => c.Score >= InContext,
        _ => c.Score >= Elsewhere,
    };

    public override string ToString() => Similarity is { } s
        ? string.Create(CultureInfo.InvariantCulture, $"{Elsewhere:F2}/{InContextWithSimilarity:F2}+similarity {s:F2}")
        : string.Create(CultureInfo.InvariantCulture, $"{Elsewhere:F2}/{InContext:F2}");
}

/// <summary>Figures at one pair of thresholds, as shares.</summary>
public sealed record AtThreshold(Thresholds Threshold, double CorrectFirst, double AnsweredWrong, double OtherAnswered, double OutOfScopeAnswered)
{
    /// <summary>At most this share of the turns that need no FAQ may be answered from the knowledge base (issue 18).</summary>
    public const double MaxOtherAnswered = 0.10;

    /// <summary>At most this share of off-topic questions may be answered (issue 18).</summary>
    public const double MaxOutOfScopeAnswered = 0.05;

    /// <summary>
    /// What the thresholds are chosen to maximise: right answers less wrong ones, among the thresholds
    /// that keep answers where none was needed or none existed within their limits (those outside rank
    /// below all inside, by how far they answer off-topic).
    /// </summary>
    public double Utility => OtherAnswered <= MaxOtherAnswered && OutOfScopeAnswered <= MaxOutOfScopeAnswered
        ? CorrectFirst - AnsweredWrong
        : -2 - OtherAnswered - OutOfScopeAnswered;
}

/// <summary>The threshold fitted on all turns and the 5-fold cross-validated figures (mean and spread over the held-out folds).</summary>
public sealed record Calibration(AtThreshold Fitted, IReadOnlyList<AtThreshold> Folds)
{
    public (double Mean, double Spread) Cv(Func<AtThreshold, double> figure)
    {
        if (Folds.Count == 0)
        {
            return (0, 0);
        }

        var values = Folds.Select(figure).ToList();
        var mean = values.Average();
        return (mean, Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, values.Count - 1)));
    }
}

/// <summary>
/// Chooses the answer thresholds from the passages each turn had (recorded by the bot whether it
/// answered or not): the pair (elsewhere, in context) maximising <see cref="AtThreshold.Utility"/> over
/// a grid of 0.10-0.95 each, fitted on all turns and, to see how well that generalises, on 4 of 5 folds
/// (dialogues and out-of-scope questions split by index) and scored on the fifth.
/// </summary>
public static class AnswersCalibration
{
    public const int FoldCount = 5;

    /// <summary>
    /// The threshold for an answer of the source the conversation is about, the other one held at what ships
    /// (<paramref name="elsewhere"/>; it is kept low so a knowledge base without entity names can answer).
    /// </summary>
    public static Calibration Run(IReadOnlyList<ScoredTurn> turns, double elsewhere) => Run(turns, (IReadOnlyList<ScoredTurn> t) => Fit(t, elsewhere));

    /// <summary>
    /// The semantic rule: with the elsewhere threshold and the lexical-only in-context one held at what ships, the
    /// in-context score and similarity thresholds fitted together (a grid of 0.00-0.60 by 0.60-0.20, steps of 0.01).
    /// </summary>
    public static Calibration RunWithSimilarity(IReadOnlyList<ScoredTurn> turns, double elsewhere, double inContext)
        => Run(turns, (IReadOnlyList<ScoredTurn> t) => FitWithSimilarity(t, elsewhere, inContext));

    public static AtThreshold FitWithSimilarity(IReadOnlyList<ScoredTurn> turns, double elsewhere, double inContext)
    {
        AtThreshold? best = null;
        for (var i = 0; i <= 60; i++)
        {
            for (var j = 20; j <= 80; j++)
            {
                var candidate = At(turns, new Thresholds(elsewhere, inContext, i / 100.0, j / 100.0));
                if (best is null || candidate.Utility > best.Utility + 1e-12)
                {
                    best = candidate;
                }
            }
        }

        return best!;
    }

    public static Calibration Run(IReadOnlyList<ScoredTurn> turns) => Run(turns, (IReadOnlyList<ScoredTurn> t) => Fit(t));

    private static Calibration Run(IReadOnlyList<ScoredTurn> turns, Func<IReadOnlyList<ScoredTurn>, AtThreshold> fit)
    {
        var fitted = fit(turns);
        var folds = new List<AtThreshold>();
        for (var k = 0; k < FoldCount; k++)
        {
            var held = turns.Where(t => t.Fold == k).ToList();
            if (held.Count == 0)
            {
                continue;
            }

            folds.Add(At(held, fit(turns.Where(t => t.Fold != k).ToList()).Threshold));
        }

        return new Calibration(fitted, folds);
    }

    public static AtThreshold Fit(IReadOnlyList<ScoredTurn> turns, double? elsewhere = null)
    {
        AtThreshold? best = null;
        for (var i = elsewhere is null ? 10 : 0; i <= (elsewhere is null ? 95 : 0); i++)
        {
            for (var j = 10; j <= 95; j++)
            {
                var candidate = At(turns, new Thresholds(elsewhere ?? (i / 100.0), j / 100.0));
                if (best is null || candidate.Utility > best.Utility + 1e-12)
                {
                    best = candidate;
                }
            }
        }

        return best!;
    }

    public static AtThreshold At(IReadOnlyList<ScoredTurn> turns, Thresholds t)
    {
        int seeking = 0, correct = 0, wrong = 0, other = 0, otherAnswered = 0, oos = 0, oosAnswered = 0;
        foreach (var turn in turns)
        {
            var answer = turn.AnswerAt(t);
            switch (turn.Kind)
            {
                case ScoredTurn.Seeking:
                    seeking++;
                    correct += answer is not null && answer.Keys.Contains(turn.Gold!) ? 1 : 0;
                    wrong += answer is not null && !answer.Keys.Contains(turn.Gold!) ? 1 : 0;
                    break;
                case ScoredTurn.Other:
                    other++;
                    otherAnswered += answer is null ? 0 : 1;
                    break;
                default:
                    oos++;
                    oosAnswered += answer is null ? 0 : 1;
                    break;
            }
        }

        return new AtThreshold(t, Share(correct, seeking), Share(wrong, seeking), Share(otherAnswered, other), Share(oosAnswered, oos));
    }

    /// <summary>The in-context threshold fitted with the other at what ships, and its cross-validated figures (prefix <c>shipped_</c>).</summary>
    public static void PrintAtShippedElsewhere(Calibration calibration, TextWriter output, string prefix = "shipped")
    {
        var f = calibration.Fitted;
        output.WriteLine(F($"{prefix}_threshold_fitted_on_all: {f.Threshold} (in-sample: correct_first {f.CorrectFirst:F3}, answered_wrong {f.AnsweredWrong:F3}, other_answered {f.OtherAnswered:F3}, oos_answered {f.OutOfScopeAnswered:F3})"));
        output.WriteLine($"{prefix}_threshold_per_fold (fitted on the other {FoldCount - 1}): {string.Join(", ", calibration.Folds.Select(a => a.Threshold.ToString()))}");
        foreach (var (name, figure) in new (string, Func<AtThreshold, double>)[]
        {
            ("correct_first", a => a.CorrectFirst), ("answered_wrong", a => a.AnsweredWrong),
            ("other_answered", a => a.OtherAnswered), ("oos_answered", a => a.OutOfScopeAnswered),
        })
        {
            var (mean, spread) = calibration.Cv(figure);
            output.WriteLine(F($"{prefix}_cv_{name}: {mean:F3} ± {spread:F3} (held-out folds; fitted on all: {figure(f):F3})"));
        }
    }

    public static void Print(Calibration calibration, IReadOnlyList<ScoredTurn> turns, TextWriter output)
    {
        var f = calibration.Fitted;
        output.WriteLine("threshold table (answer from retrieval's first passage if it scores at least t; t elsewhere/in context): t  correct_first  answered_wrong  other_answered  oos_answered");
        for (var i = 10; i <= 90; i += 5)
        {
            foreach (var t in new[] { new Thresholds(i / 100.0, i / 100.0), new Thresholds(f.Threshold.Elsewhere, i / 100.0) })
            {
                var at = At(turns, t);
                output.WriteLine(F($"  {at.Threshold}  {at.CorrectFirst:F3}  {at.AnsweredWrong:F3}  {at.OtherAnswered:F3}  {at.OutOfScopeAnswered:F3}"));
            }
        }

        output.WriteLine(F($"threshold_fitted_on_all: {f.Threshold} (in-sample: correct_first {f.CorrectFirst:F3}, answered_wrong {f.AnsweredWrong:F3}, other_answered {f.OtherAnswered:F3}, oos_answered {f.OutOfScopeAnswered:F3})"));
        output.WriteLine($"threshold_per_fold (fitted on the other {FoldCount - 1}): {string.Join(", ", calibration.Folds.Select(a => a.Threshold.ToString()))}");
        foreach (var (name, figure) in new (string, Func<AtThreshold, double>)[]
        {
            ("correct_first", a => a.CorrectFirst), ("answered_wrong", a => a.AnsweredWrong),
            ("other_answered", a => a.OtherAnswered), ("oos_answered", a => a.OutOfScopeAnswered),
        })
        {
            var (mean, spread) = calibration.Cv(figure);
            output.WriteLine(F($"cv_{name}: {mean:F3} ± {spread:F3} (held-out folds; fitted on all: {figure(f):F3})"));
        }
    }

    private static double Share(int count, int total) => total == 0 ? 0 : (double)count / total;

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
