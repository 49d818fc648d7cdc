using System.Text.Json;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Validation;

namespace Parley.Server.Knowledge;

/// <summary>
/// Create or replace a source (the HeliosCS document's shape plus what the other types need). FAQ pairs
/// come as <c>faqs</c> (or <c>pairs</c>, <c>questions</c>) or as <c>content</c> (a JSON array of
/// {question, answer}, or <c>Q:</c>/<c>A:</c> lines). <c>category</c> may be top-level or in
/// <c>metadata</c>.
/// </summary>
public sealed record SourceRequest(
    string? Name,
    string? Type,
    string? Content,
    string? Url,
    string? Category,
    JsonElement? Metadata,
    IReadOnlyList<FaqPair>? Faqs,
    IReadOnlyList<FaqPair>? Pairs,
    IReadOnlyList<FaqPair>? Questions) : IValidatable
{
    public const int MaxNameLength = 200;

    public IReadOnlyList<FaqPair>? AllPairs => Faqs ?? Pairs ?? Questions;

    public string? EffectiveType => Type?.Trim().ToLowerInvariant() switch
    {
        null or "" => Url is not null ? SourceTypes.Url : AllPairs is not null ? SourceTypes.Faq : SourceTypes.Document,
        "faqs" or "qa" => SourceTypes.Faq,
        "web" or "webpage" or "website" => SourceTypes.Url,
        var t => t,
    };

    public string? EffectiveCategory => Category ?? (Metadata is { ValueKind: JsonValueKind.Object } m && m.TryGetProperty("category", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null);

    public IEnumerable<FieldError> Validate()
    {
        var type = EffectiveType;
        if (Name is not null && (string.IsNullOrWhiteSpace(Name) || Name.Length > MaxNameLength))
        {
            yield return new FieldError("name", $"Give a name of 1 to {MaxNameLength} characters.");
        }

        if (Name is null && type != SourceTypes.Url)
        {
            yield return new FieldError("name", "Field required.");
        }

        if (type == SourceTypes.File)
        {
            yield return new FieldError("type", "Files are added with POST /files/upload (multipart).");
        }
        else if (!SourceTypes.All.Contains(type))
        {
            yield return new FieldError("type", "Must be one of: text, document, faq, url (files: POST /files/upload).");
        }

        if (Metadata is { } metadata && metadata.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            yield return new FieldError("metadata", "Must be a JSON object.");
        }

        if (Category is { Length: > 100 })
        {
            yield return new FieldError("category", "At most 100 characters.");
        }

        if (type is SourceTypes.Text or SourceTypes.Document && string.IsNullOrWhiteSpace(Content))
        {
            yield return new FieldError("content", "Field required for text and document sources.");
        }

        if (type == SourceTypes.Faq)
        {
            var pairs = AllPairs ?? (Content is null ? [] : Chunker.ParseFaq(Content));
            if (pairs.Count == 0 || pairs.Any(p => string.IsNullOrWhiteSpace(p.Question) || string.IsNullOrWhiteSpace(p.Answer)))
            {
                yield return new FieldError("faqs", "Give at least one pair, each with a question and an answer.");
            }
        }

        if (type == SourceTypes.Url && string.IsNullOrWhiteSpace(Url))
        {
            yield return new FieldError("url", "Field required for url sources.");
        }
    }
}

/// <summary>PUT/PATCH body: the same fields, each optional (checked after merging with the stored source).</summary>
public sealed record SourceUpdateRequest(
    string? Name,
    string? Type,
    string? Content,
    string? Url,
    string? Category,
    JsonElement? Metadata,
    IReadOnlyList<FaqPair>? Faqs,
    IReadOnlyList<FaqPair>? Pairs,
    IReadOnlyList<FaqPair>? Questions)
{
    public SourceRequest ToRequest() => new(Name, Type, Content, Url, Category, Metadata, Faqs, Pairs, Questions);
}

public sealed record SourceResponse(
    Guid Id,
    Guid TenantId,
    string Name,
    string Type,
    string? Url,
    string? Category,
    JsonElement Metadata,
    string Status,
    string? Error,
    int ChunkCount,
    string? FileName,
    string? ContentType,
    long SizeBytes,
    int Version,
    string? EmbeddingModel,
    Guid? CreatedBy,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? IndexedAt,
    string StatusUrl,
    string? Content,
    SourceProgress? Progress = null,
    SourceEmbeddings? Embeddings = null)
{
    public static SourceResponse From(KnowledgeSource s, bool withContent = true) => new(
        s.Id, s.TenantId, s.Name, s.Type, s.Url, s.Category, JsonDocument.Parse(s.Metadata).RootElement.Clone(), s.Status, s.Error, s.ChunkCount,
        s.FileName, s.ContentType, s.SizeBytes, s.Version, s.EmbeddingModel, s.CreatedBy, s.CreatedAt, s.UpdatedAt, s.IndexedAt,
        $"/api/v1/knowledge/sources/{s.Id}/status", withContent ? s.Content : null, SourceProgress.Of(s), SourceEmbeddings.Of(s));
}

/// <summary>
/// The source's vectors, filled in after it is searchable by keywords (<c>status: ready</c>): <c>state</c> is
/// <c>pending</c> (none yet: the passages are being stored, or the fill is queued), <c>running</c>, <c>ready</c>
/// (every passage has one), <c>failed</c> (the provider failed; <c>error</c> on the source says why, keyword search
/// still works) or <c>off</c> (no provider); <c>done</c> passages of <c>total</c> have one; <c>model</c> makes them.
/// </summary>
public sealed record SourceEmbeddings(string State, int Done, int Total, string? Model)
{
    public static SourceEmbeddings Of(KnowledgeSource s)
    {
        var total = s.Status == SourceStatus.Ready ? s.ChunkCount : 0;
        var done = s.EmbeddingState == EmbeddingStates.Ready ? total : Math.Min(s.EmbeddingDone, total);
        return new(s.EmbeddingState, done, total, s.EmbeddingState == EmbeddingStates.Off ? null : s.EmbeddingModel);
    }
}

/// <summary>
/// How far the indexing of a source is, in passages: <c>done</c> of <c>total</c>. Queued: 0 of 0 (not cut
/// yet); processing: 0 of 0 while the text is read or fetched, then 0 of the passages until they are stored;
/// ready (searchable by keywords): every passage; failed: where it stopped. Vectors: <see cref="SourceEmbeddings"/>.
/// </summary>
public sealed record SourceProgress(int Done, int Total)
{
    public static SourceProgress Of(KnowledgeSource s) => s.Status switch
    {
        SourceStatus.Ready => new(s.ChunkCount, s.ChunkCount),
        SourceStatus.Queued => new(0, 0),
        _ => new(Math.Min(s.ProgressDone, s.ProgressTotal), s.ProgressTotal),
    };
}

/// <summary>The answer to a create/update/upload: the source as queued, where to watch it, and the job.</summary>
public sealed record AcceptedSource(Guid Id, Guid JobId, string Status, string StatusUrl, SourceResponse Source);

public sealed record SourceStatusResponse(
    Guid Id, string Status, string? Error, int ChunkCount, int Version, DateTime? IndexedAt, DateTime UpdatedAt, SourceProgress? Progress = null, SourceEmbeddings? Embeddings = null);

/// <summary>One search hit; <c>id</c> is the citation id (source id + chunk id) used everywhere.</summary>
public sealed record SearchHit(
    string Id, Guid SourceId, Guid ChunkId, string Source, string Title, string? Url, string Excerpt, string Text, double Confidence, double Score);

public sealed record SearchResponse(string Query, IReadOnlyList<SearchHit> Results, int Total, int Limit, string? Category, double ConfidenceThreshold);
