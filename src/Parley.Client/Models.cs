using System.Text.Json;
using System.Text.Json.Serialization;

namespace Parley.Client;

// Records carry the fields clients use by name; everything else the server sends is kept in Extra,
// so nothing is lost and a new server field needs no new client.

public abstract record ParleyModel
{
    // Settable, not init: compile-time JSON metadata (ParleyJsonContext) cannot fill extension data through a constructor.
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

public sealed record User : ParleyModel
{
    public Guid Id { get; init; }
    public string Email { get; init; } = "";
    public string? Username { get; init; }
    public string? FullName { get; init; }
    public string Role { get; init; } = "";
    public Guid TenantId { get; init; }
    public string? SubscriptionPlan { get; init; }
    public bool IsActive { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? LastLoginAt { get; init; }
}

public sealed record LoginResult : ParleyModel
{
    public string AccessToken { get; init; } = "";
    public string? RefreshToken { get; init; }
    public string TokenType { get; init; } = "bearer";
    public int ExpiresIn { get; init; }
    public User? User { get; init; }

    public ParleyTokens ToTokens(string? previousRefreshToken = null)
        => new(AccessToken, RefreshToken ?? previousRefreshToken, ExpiresIn > 0 ? DateTimeOffset.UtcNow.AddSeconds(ExpiresIn) : null);
}

public sealed record Citation : ParleyModel
{
    public string Id { get; init; } = "";
    public string? SourceId { get; init; }
    public string? ChunkId { get; init; }
    public string Source { get; init; } = "";
    public string Title { get; init; } = "";
    public string? Url { get; init; }
    public string Excerpt { get; init; } = "";
    public double Confidence { get; init; }
}

public sealed record Redaction : ParleyModel
{
    public string Type { get; init; } = "";
    public string Masked { get; init; } = "";
    public int[] Position { get; init; } = [];
    public string? Original { get; init; }
}

/// <summary>One answered turn (<c>/chat/message</c>, <c>/chat/process</c>, the <c>final</c> event of <c>/chat/stream</c>).</summary>
public sealed record ChatTurn : ParleyModel
{
    public string Response { get; init; } = "";
    public Guid SessionId { get; init; }
    public Guid ConversationId { get; init; }
    public Guid MessageId { get; init; }
    public Guid? ResponseMessageId { get; init; }
    public double Confidence { get; init; }
    public bool Cached { get; init; }
    public double ResponseTimeMs { get; init; }
    public IReadOnlyList<Citation> Citations { get; init; } = [];
    public IReadOnlyList<Redaction> Redactions { get; init; } = [];
    public bool EscalationNeeded { get; init; }
    public string? EscalationReason { get; init; }
    public string Intent { get; init; } = "";
    public int TokensUsed { get; init; }
    public string Engine { get; init; } = "";
}

public sealed record Message : ParleyModel
{
    public Guid Id { get; init; }
    public Guid ConversationId { get; init; }
    public int Sequence { get; init; }
    public string MessageType { get; init; } = "";
    public string Actor { get; init; } = "";
    public string Content { get; init; } = "";
    public DateTime Timestamp { get; init; }
    public string? Intent { get; init; }
    public double? Confidence { get; init; }
    public JsonElement Citations { get; init; }
    public JsonElement Redactions { get; init; }
    public JsonElement Metadata { get; init; }
}

public sealed record Conversation : ParleyModel
{
    public Guid Id { get; init; }
    public string Title { get; init; } = "";
    public Guid? AssistantId { get; init; }
    public Guid? UserId { get; init; }
    public string Channel { get; init; } = "";
    public string Status { get; init; } = "";
    public int TotalMessages { get; init; }
    public int LastSequence { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public DateTime? LastMessageAt { get; init; }
    public Guid? AssignedAgentId { get; init; }
    public DateTime? EscalatedAt { get; init; }
    public string? EscalationReason { get; init; }
    public IReadOnlyList<Message>? Messages { get; init; }

    /// <summary>The conversation's tags, in lists read by agents and admins (absent for customers).</summary>
    public IReadOnlyList<string>? Tags { get; init; }
}

public sealed record ChatHistory : ParleyModel
{
    public Guid SessionId { get; init; }
    public IReadOnlyList<Message> Messages { get; init; } = [];
    public int TotalMessages { get; init; }
}

public sealed record Ticket : ParleyModel
{
    public Guid Id { get; init; }
    public string Title { get; init; } = "";
    public string? Description { get; init; }
    public string Status { get; init; } = "";
    public string Priority { get; init; } = "";
    public string? Category { get; init; }
    public Guid? ConversationId { get; init; }
    public Guid? CustomerUserId { get; init; }
    public Guid? AssigneeId { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public IReadOnlyList<TicketComment>? Comments { get; init; }
}

public sealed record TicketComment : ParleyModel
{
    public Guid Id { get; init; }
    public Guid TicketId { get; init; }
    public Guid? AuthorId { get; init; }
    public string Content { get; init; } = "";
    public DateTime CreatedAt { get; init; }
}

public sealed record KnowledgeSource : ParleyModel
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string Type { get; init; } = "";
    public string? Url { get; init; }
    public string? Category { get; init; }
    public string Status { get; init; } = "";
    public string? Error { get; init; }
    public int ChunkCount { get; init; }
    public string? FileName { get; init; }
    public long SizeBytes { get; init; }
    public int Version { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public DateTime? IndexedAt { get; init; }

    /// <summary>Passages indexed of the passages the source was cut into (0 of 0 until it is cut); absent from older servers.</summary>
    public SourceProgress? Progress { get; init; }

    /// <summary>Indexing ended, well (<c>ready</c>) or not (<c>failed</c>).</summary>
    public bool IsSettled => Status is "ready" or "failed";

    /// <summary>Whole percent indexed: 0 until the source is cut into passages, 100 once ready.</summary>
    public int PercentIndexed => Status == "ready" ? 100 : Progress is { Total: > 0 } p ? (int)(100L * Math.Min(p.Done, p.Total) / p.Total) : 0;

    /// <summary>Its vectors, filled in after it is searchable by keywords; absent from older servers.</summary>
    public SourceEmbeddings? Embeddings { get; init; }
}

public sealed record SourceProgress : ParleyModel
{
    public int Done { get; init; }
    public int Total { get; init; }
}

/// <summary>A source's vectors: <c>state</c> pending, running, ready, failed or off; <c>done</c> passages of <c>total</c> have one.</summary>
public sealed record SourceEmbeddings : ParleyModel
{
    public string State { get; init; } = "";
    public int Done { get; init; }
    public int Total { get; init; }
    public string? Model { get; init; }

    /// <summary>Nothing more will be filled in (every vector is there, the provider failed, or there is none).</summary>
    public bool IsSettled => State is "ready" or "failed" or "off";

    /// <summary>Whole percent of the passages with a vector.</summary>
    public int Percent => State == "ready" ? 100 : Total > 0 ? (int)(100L * Math.Min(Done, Total) / Total) : 0;
}

/// <summary>The answer to creating, replacing or uploading a source: queued, with where to watch it.</summary>
public sealed record AcceptedSource : ParleyModel
{
    public Guid Id { get; init; }
    public Guid JobId { get; init; }
    public string Status { get; init; } = "";
    public string StatusUrl { get; init; } = "";
    public KnowledgeSource? Source { get; init; }
}

public sealed record SourceStatus : ParleyModel
{
    public Guid Id { get; init; }
    public string Status { get; init; } = "";
    public string? Error { get; init; }
    public int ChunkCount { get; init; }
    public int Version { get; init; }
    public DateTime? IndexedAt { get; init; }

    /// <summary>Passages indexed of the passages the source was cut into (0 of 0 until it is cut).</summary>
    public SourceProgress? Progress { get; init; }

    /// <summary>Its vectors, filled in after it is searchable by keywords; absent from older servers.</summary>
    public SourceEmbeddings? Embeddings { get; init; }

    public bool IsSettled => Status is "ready" or "failed";
}

public sealed record SearchHit : ParleyModel
{
    public string Id { get; init; } = "";
    public Guid SourceId { get; init; }
    public Guid ChunkId { get; init; }
    public string Source { get; init; } = "";
    public string Title { get; init; } = "";
    public string? Url { get; init; }
    public string Excerpt { get; init; } = "";
    public string Text { get; init; } = "";
    public double Confidence { get; init; }
    public double Score { get; init; }
}

public sealed record SearchResult : ParleyModel
{
    public string Query { get; init; } = "";
    public IReadOnlyList<SearchHit> Results { get; init; } = [];
    public int Total { get; init; }
}

public sealed record Assistant : ParleyModel
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public string? SystemPrompt { get; init; }
    public IReadOnlyList<string> Tools { get; init; } = [];
    public string? Model { get; init; }
    public string Status { get; init; } = "";
    public IReadOnlyList<string> KnowledgeCategories { get; init; } = [];
    public bool IsDefault { get; init; }
    public DateTime CreatedAt { get; init; }
}

public sealed record Tool : ParleyModel
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public string? Category { get; init; }
    public string Kind { get; init; } = "";

    /// <summary>The arguments' JSON Schema.</summary>
    public JsonElement Parameters { get; init; }

    // Custom tools only.
    public string? Method { get; init; }
    public string? UrlTemplate { get; init; }
    public string? SecretHeaderName { get; init; }

    /// <summary>Whether a secret header is stored; its value is never answered.</summary>
    public bool? HasSecretHeader { get; init; }
    public int? TimeoutSeconds { get; init; }
}

public sealed record Integration : ParleyModel
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string IntegrationType { get; init; } = "";
    public string Status { get; init; } = "";
    public bool HasCredentials { get; init; }
    public JsonElement Config { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? LastSync { get; init; }
    public bool? LastTestSuccess { get; init; }
    public string? LastTestMessage { get; init; }
}

public sealed record Webhook : ParleyModel
{
    public Guid Id { get; init; }
    public string Url { get; init; } = "";
    public IReadOnlyList<string> Events { get; init; } = [];
    public string? Description { get; init; }
    public bool IsActive { get; init; }
    public string Status { get; init; } = "";
    public string Circuit { get; init; } = "";

    /// <summary>The signing secret: only in the answers to creation and rotation.</summary>
    public string? Secret { get; init; }
    public DateTime CreatedAt { get; init; }
}

public sealed record WebhookDelivery : ParleyModel
{
    public Guid Id { get; init; }
    public Guid WebhookId { get; init; }
    public string Event { get; init; } = "";
    public string Status { get; init; } = "";
    public int Attempts { get; init; }
    public int? ResponseCode { get; init; }
    public string? Error { get; init; }
    public DateTime CreatedAt { get; init; }
}

public sealed record ApiKey : ParleyModel
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string Role { get; init; } = "";
    public string Prefix { get; init; } = "";
    public DateTime? LastUsedAt { get; init; }
    public DateTime? RevokedAt { get; init; }

    /// <summary>The key itself: only in the answer to its creation.</summary>
    public string? Key { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? ExpiresAt { get; init; }
}

public sealed record Tenant : ParleyModel
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string Slug { get; init; } = "";
    public bool IsActive { get; init; }
    public bool IsPlatform { get; init; }
    public string SubscriptionPlan { get; init; } = "";
    public DateTime CreatedAt { get; init; }
}

public sealed record Notification : ParleyModel
{
    public Guid Id { get; init; }
    public string Type { get; init; } = "";
    public string Category { get; init; } = "";
    public string Title { get; init; } = "";
    public string Message { get; init; } = "";
    public JsonElement Data { get; init; }
    public DateTime CreatedAt { get; init; }
    public bool Read { get; init; }
}

public sealed record NotificationList : ParleyModel
{
    public IReadOnlyList<Notification> Notifications { get; init; } = [];
    public int TotalCount { get; init; }
    public int UnreadCount { get; init; }
}

public sealed record MarkReadResult : ParleyModel
{
    public int MarkedRead { get; init; }
    public int UnreadCount { get; init; }
}

public sealed record TaskSubmitted : ParleyModel
{
    public string TaskId { get; init; } = "";
    public Guid Id { get; init; }
    public string Status { get; init; } = "";
    public string TaskType { get; init; } = "";
    public string EstimatedDuration { get; init; } = "";
    public string Message { get; init; } = "";
}

public sealed record TaskStatus : ParleyModel
{
    public string TaskId { get; init; } = "";
    public Guid Id { get; init; }
    public string TaskType { get; init; } = "";
    public string Status { get; init; } = "";
    public string Description { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public DateTime? CompletedAt { get; init; }
    public double? DurationSeconds { get; init; }
    public bool ResultAvailable { get; init; }
    public string? Error { get; init; }

    public bool IsFinished => Status is "completed" or "failed" or "cancelled";
}

public sealed record TaskResults : ParleyModel
{
    public string TaskId { get; init; } = "";
    public string TaskType { get; init; } = "";
    public string Status { get; init; } = "";
    public TaskResultBody? Results { get; init; }
}

public sealed record TaskResultBody : ParleyModel
{
    public string Summary { get; init; } = "";
    public IReadOnlyList<string> Insights { get; init; } = [];
    public IReadOnlyList<string> Recommendations { get; init; } = [];
}

public sealed record Dashboard : ParleyModel
{
    public User? User { get; init; }
    public DashboardUsage? Usage { get; init; }
}

public sealed record DashboardUsage : ParleyModel
{
    public long MessagesThisMonth { get; init; }
    public long BackgroundTasksThisMonth { get; init; }
    public long ApiCallsToday { get; init; }
    public long? QuotaRemaining { get; init; }
    public string Plan { get; init; } = "";
    public JsonElement Limits { get; init; }
}

public sealed record Health : ParleyModel
{
    public string Status { get; init; } = "";
    public string Version { get; init; } = "";
    public DateTime Timestamp { get; init; }
}

public sealed record DetailedHealth : ParleyModel
{
    public string Status { get; init; } = "";
    public string Version { get; init; } = "";
    public double UptimeSeconds { get; init; }
    public Dictionary<string, HealthComponent> Components { get; init; } = [];
}

public sealed record HealthComponent : ParleyModel
{
    public string Status { get; init; } = "";
    public string? Description { get; init; }
    public double DurationMs { get; init; }
    public Dictionary<string, JsonElement> Data { get; init; } = [];
}
