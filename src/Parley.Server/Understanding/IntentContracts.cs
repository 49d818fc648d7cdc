using System.Text.Json;
using Parley.Server.Infrastructure.Errors;

namespace Parley.Server.Understanding;

/// <summary>
/// Creates or changes an intent. A name of one of Parley's defaults overrides it: its examples are
/// added to the default's (or replace them with <c>replace_default_examples</c>), and
/// <c>enabled: false</c> leaves the intent out of the tenant's model.
/// </summary>
public sealed record IntentRequest(string? Name, string? Description, IReadOnlyList<string?>? Examples, bool? Enabled, bool? ReplaceDefaultExamples)
{
    public const int MaxNameLength = 64;

    /// <summary>Paths under <c>/intents</c> that are not intent names.</summary>
    public static readonly HashSet<string> Reserved = ["train", "model", "classify"];

    public List<FieldError> Check(UnderstandingOptions limits, bool isNew, bool isDefault)
    {
        var errors = new List<FieldError>();
        if (Name is null ? isNew : !IsName(Name))
        {
            errors.Add(new FieldError("name", $"Required: 1 to {MaxNameLength} lowercase letters, digits or '_', starting with a letter."));
        }
        else if (Name is not null && Reserved.Contains(Name))
        {
            errors.Add(new FieldError("name", $"'{Name}' is reserved."));
        }

        if (Description is { Length: > 500 })
        {
            errors.Add(new FieldError("description", "At most 500 characters."));
        }

        if (Examples is { } examples)
        {
            if (examples.Count > limits.MaxExamplesPerIntent)
            {
                errors.Add(new FieldError("examples", $"At most {limits.MaxExamplesPerIntent} examples per intent."));
            }

            if (examples.Any(e => e is null || e.Trim().Length == 0 || e.Length > limits.MaxExampleLength))
            {
                errors.Add(new FieldError("examples", $"Every example needs 1 to {limits.MaxExampleLength} characters."));
            }
        }
        else if (isNew && !isDefault)
        {
            errors.Add(new FieldError("examples", "Give at least one example utterance."));
        }

        if (isNew && !isDefault && Examples is { Count: 0 })
        {
            errors.Add(new FieldError("examples", "Give at least one example utterance."));
        }

        return errors;
    }

    public string ExamplesJson() => JsonSerializer.Serialize((Examples ?? []).Select(e => e!.Trim()).Distinct(StringComparer.Ordinal).ToArray());

    private static bool IsName(string name)
        => name.Length is > 0 and <= MaxNameLength && char.IsAsciiLetterLower(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
}

/// <summary><c>POST /intents/classify</c>: <c>text</c> (or <c>message</c>) read with the tenant's current model.</summary>
public sealed record ClassifyRequest(string? Text, string? Message)
{
    public string? Input => Text ?? Message;
}

public sealed record IntentScore(string Intent, double Score);

public sealed record ClassifyView(string Intent, double Confidence, bool OutOfScope, IReadOnlyList<IntentScore> Ranking, string Model, int ModelVersion);

/// <summary>
/// What <c>POST /intents/train</c> answers and <c>GET /intents/model</c> shows. <c>Encoder</c>: the model carries the
/// sentence-encoder head (Parley:Understanding:IntentEncoder), so each of the tenant's messages costs an encoder call.
/// </summary>
public sealed record TrainingStats(
    int ModelVersion,
    int Intents,
    int Examples,
    int CustomIntents,
    int OverriddenIntents,
    int DisabledIntents,
    double DurationMs,
    double? HeldOutAccuracy,
    double? HeldOutMacroF1,
    int HeldOutExamples,
    long ModelSizeBytes,
    IReadOnlyList<string> IntentNames,
    DateTime TrainedAt,
    bool Encoder = false);

public sealed record ModelStatusView(string Status, string Model, int ModelVersion, DateTime? TrainedAt, TrainingStats? Stats);
