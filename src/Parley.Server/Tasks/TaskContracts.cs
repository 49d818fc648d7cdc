using System.Text.Json;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Validation;

namespace Parley.Server.Tasks;

/// <summary>
/// Three-Database Chatbot <c>POST /tasks/analyze</c>. <c>data_source</c> is a built-in source or the name of a dataset the
/// tenant registered. <c>dataset</c> (CSV text) is Parley's addition for JSON clients; multipart uploads
/// send a <c>file</c>. <c>own_conversations</c> is set by the server (a client's value is replaced).
/// </summary>
public sealed record AnalyzeRequest(string? Description, string? DataSource, JsonElement? Parameters, string? Dataset, bool? OwnConversations = null) : IValidatable
{
    public IEnumerable<FieldError> Validate()
    {
        foreach (var e in Check.Required("description", Description).Concat(Check.MaxLength("description", Description, 2000)))
        {
            yield return e;
        }

        foreach (var e in Check.MaxLength("data_source", DataSource, 100))
        {
            yield return e;
        }

        if (Parameters is { } p && p.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            yield return new FieldError("parameters", "Must be an object.");
        }
    }
}

/// <summary>Three-Database Chatbot <c>POST /tasks/research</c>.</summary>
public sealed record ResearchRequest(string? Topic, string? Scope, IReadOnlyList<string>? Sources) : IValidatable
{
    public IEnumerable<FieldError> Validate()
    {
        foreach (var e in Check.Required("topic", Topic).Concat(Check.MaxLength("topic", Topic, 500)).Concat(Check.MaxLength("scope", Scope, 100)))
        {
            yield return e;
        }

        if (Sources is { Count: > 20 } || Sources?.Any(s => string.IsNullOrWhiteSpace(s) || s.Length > 100) == true)
        {
            yield return new FieldError("sources", "At most 20 non-empty names of up to 100 characters.");
        }
    }
}

/// <summary>What <c>data_source</c> may name.</summary>
public static class DataSources
{
    /// <summary>The tenant's conversations, messages, intents, escalations and feedback (the default).</summary>
    public const string Conversations = "conversations";

    /// <summary>The tenant's tickets, when the tickets feature is installed (its table exists).</summary>
    public const string Tickets = "tickets";

    /// <summary>The CSV uploaded with the task.</summary>
    public const string Dataset = "dataset";

    /// <summary>The built-in sources; any other <c>data_source</c> names a registered dataset.</summary>
    public static readonly string[] All = [Conversations, Tickets, Dataset, "csv"];
}

public sealed record TaskSubmitted(string TaskId, Guid Id, string Status, string TaskType, string EstimatedDuration, string Message, DateTime CreatedAt);

public sealed record TaskStatusView(
    string TaskId, Guid Id, string TaskType, string Status, string Description, DateTime CreatedAt, DateTime? StartedAt, DateTime? CompletedAt,
    double? DurationSeconds, bool ResultAvailable, int Attempts, string? Error)
{
    /// <summary>Three-Database Chatbot writes task ids as <c>task_{uuid}</c>; the bare uuid is <c>id</c>.</summary>
    public static string PublicId(Guid id) => "task_" + id.ToString("D");

    public static TaskStatusView From(BackgroundTask t) => new(
        PublicId(t.Id), t.Id, t.TaskType, t.Status, t.Description, t.CreatedAt, t.StartedAt, t.CompletedAt,
        t.CompletedAt is { } done && t.StartedAt is { } start ? Math.Round((done - start).TotalSeconds, 3) : null,
        t.Status == TaskStatuses.Completed && t.Result is not null, t.Attempts, t.Error);
}

/// <summary>Three-Database Chatbot's results: summary, insights, quantitative_results, recommendations; research adds citations.</summary>
public sealed record TaskResults(
    string Summary, IReadOnlyList<string> Insights, IReadOnlyDictionary<string, object?> QuantitativeResults, IReadOnlyList<string> Recommendations,
    IReadOnlyList<Citation>? Citations, string GeneratedBy, string? DataSource);

public sealed record Citation(int Index, Guid SourceId, Guid ChunkId, string SourceName, string Title, string? Url, double Score, string Excerpt);

public sealed record TaskResultsView(string TaskId, Guid Id, string TaskType, string Status, TaskResults Results, DateTime? CompletedAt);
