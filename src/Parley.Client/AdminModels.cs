using System.Text.Json;

namespace Parley.Client;

// The records the admin pages of the console read: integration tests, intent routes, plans and the
// understanding settings (intents, lookup lists, redaction). Unknown fields land in Extra as elsewhere.

/// <summary>The answer of <c>POST /integrations/{id}/test</c> (always 200; <c>success</c> false with a <c>reason</c> when the system could not be used).</summary>
public sealed record IntegrationTest : ParleyModel
{
    public Guid IntegrationId { get; init; }
    public bool Success { get; init; }
    public string Status { get; init; } = "";
    public string Message { get; init; } = "";
    public string? Reason { get; init; }
    public int? HttpStatus { get; init; }
    public double DurationMs { get; init; }
    public DateTime TestedAt { get; init; }
}

/// <summary>An intent route of the built-in engine (<c>/tools/routes</c>): an intent or keywords run a tool.</summary>
public sealed record ToolRoute : ParleyModel
{
    public Guid Id { get; init; }
    public Guid? AssistantId { get; init; }
    public string Intent { get; init; } = "";
    public IReadOnlyList<string> Keywords { get; init; } = [];
    public string ToolId { get; init; } = "";
    public JsonElement Arguments { get; init; }
    public string? ResponseTemplate { get; init; }
    public double MinConfidence { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
}

public sealed record PlanLimits : ParleyModel
{
    public long Messages { get; init; }
    public long BackgroundTasks { get; init; }
    public long ApiCalls { get; init; }
    public int ConcurrentTasks { get; init; }
}

/// <summary>A plan of <c>GET /plans</c>; a limit of 0 is unlimited.</summary>
public sealed record Plan : ParleyModel
{
    public string Name { get; init; } = "";
    public PlanLimits Limits { get; init; } = new();
}

public sealed record Intent : ParleyModel
{
    public Guid? Id { get; init; }
    public string Name { get; init; } = "";
    public string? Description { get; init; }

    /// <summary><c>default</c>, <c>override</c> or <c>custom</c>.</summary>
    public string Source { get; init; } = "";
    public bool Enabled { get; init; }
    public bool ReplaceDefaultExamples { get; init; }
    public IReadOnlyList<string> Examples { get; init; } = [];
    public IReadOnlyList<string> CustomExamples { get; init; } = [];
    public int ExampleCount { get; init; }
}

/// <summary>What training answers, and the <c>stats</c> of <c>GET /intents/model</c>.</summary>
public sealed record TrainingStats : ParleyModel
{
    public int ModelVersion { get; init; }
    public int Intents { get; init; }
    public int Examples { get; init; }
    public int CustomIntents { get; init; }
    public int OverriddenIntents { get; init; }
    public int DisabledIntents { get; init; }
    public double DurationMs { get; init; }
    public double? HeldOutAccuracy { get; init; }
    public double? HeldOutMacroF1 { get; init; }
    public int HeldOutExamples { get; init; }
    public long ModelSizeBytes { get; init; }
    public IReadOnlyList<string> IntentNames { get; init; } = [];
    public DateTime TrainedAt { get; init; }

    /// <summary>Whether the model carries the sentence-encoder head (few examples per intent; each classified message costs an encoder call).</summary>
    public bool Encoder { get; init; }
}

public sealed record IntentModelStatus : ParleyModel
{
    /// <summary><c>trained</c> (the tenant's own) or <c>default</c>.</summary>
    public string Status { get; init; } = "";
    public string Model { get; init; } = "";
    public int ModelVersion { get; init; }
    public DateTime? TrainedAt { get; init; }
    public TrainingStats? Stats { get; init; }
}

public sealed record LookupEntry(string Value, IReadOnlyList<string>? Synonyms);

public sealed record Lookup : ParleyModel
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public IReadOnlyList<LookupEntry> Entries { get; init; } = [];
    public int EntryCount { get; init; }
    public DateTime UpdatedAt { get; init; }
}

public sealed record PiiType : ParleyModel
{
    /// <summary>Presidio's name (<c>EMAIL_ADDRESS</c>).</summary>
    public string Type { get; init; } = "";

    /// <summary>Document 004's name (<c>email</c>).</summary>
    public string ApiName { get; init; } = "";
}

public sealed record RedactionSettings : ParleyModel
{
    public IReadOnlyList<string>? EnabledTypes { get; init; }
    public IReadOnlyList<string> DisabledTypes { get; init; } = [];
    public IReadOnlyList<string> EffectiveTypes { get; init; } = [];
    public string Masking { get; init; } = "";
    public bool UseMaskedValuesInText { get; init; }
    public IReadOnlyList<string> Allowlist { get; init; } = [];
    public IReadOnlyList<PiiType> AvailableTypes { get; init; } = [];
    public bool IsDefault { get; init; }
    public DateTime? UpdatedAt { get; init; }
}
