namespace Parley.Engine.Intents;

/// <summary>
/// The classifier's answer for one message. <see cref="Confidence"/> is the calibrated probability of
/// the best in-scope intent; <see cref="Ranking"/> lists every known intent, best first, with the
/// same calibrated probabilities. When <see cref="OutOfScope"/> is set, <see cref="Intent"/> is
/// <see cref="IntentModel.OutOfScopeIntent"/> and the ranking still tells what came closest.
/// </summary>
public sealed record IntentPrediction(
    string Intent,
    double Confidence,
    IReadOnlyList<(string Intent, double Score)> Ranking,
    bool OutOfScope);
