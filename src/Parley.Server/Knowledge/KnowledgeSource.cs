using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Server.Storage;

namespace Parley.Server.Knowledge;

/// <summary>
/// One thing the tenant taught Parley: a document, a set of FAQ pairs, an uploaded file or a web
/// page. <see cref="Version"/> grows on every change so an ingestion job for an older version is
/// dropped instead of overwriting newer chunks.
/// </summary>
public sealed class KnowledgeSource : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    public required string Type { get; set; }
    public string Content { get; set; } = "";
    public string? Url { get; set; }
    public string? Category { get; set; }
    public string Metadata { get; set; } = "{}";
    public string Status { get; set; } = SourceStatus.Queued;
    public string? Error { get; set; }
    public int ChunkCount { get; set; }
    public string? FileName { get; set; }
    public string? ContentType { get; set; }
    public long SizeBytes { get; set; }
    public int Version { get; set; } = 1;
    public string? EmbeddingModel { get; set; }
    public Guid? CreatedBy { get; set; }
    /// <summary>The user this row is private to (a plain user made it); null for the tenant's shared rows.</summary>
    public Guid? OwnerUserId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? IndexedAt { get; set; }
    /// <summary>Passages embedded or stored so far by the running ingestion, of <see cref="ProgressTotal"/> (0 until the source is cut).</summary>
    public int ProgressDone { get; set; }
    public int ProgressTotal { get; set; }
    /// <summary>Whether its passages have vectors yet (<see cref="EmbeddingStates"/>); keyword search does not wait for them.</summary>
    public string EmbeddingState { get; set; } = EmbeddingStates.Pending;
    /// <summary>Passages of the indexed version that have a vector, of <see cref="ChunkCount"/>.</summary>
    public int EmbeddingDone { get; set; }
}

/// <summary>The bytes of an uploaded file, kept so a restarted worker can extract them again.</summary>
public sealed class KnowledgeFile : ITenantOwned
{
    public Guid SourceId { get; set; }
    public Guid TenantId { get; set; }
    public required byte[] Data { get; set; }
}

/// <summary>A passage of a source: what search finds and answers cite.</summary>
public sealed class KnowledgeChunk : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid SourceId { get; set; }
    public int Ordinal { get; set; }
    public required string Title { get; set; }
    public required string Text { get; set; }
    public string? Category { get; set; }
    public byte[]? Embedding { get; set; }
    public string? EmbeddingModel { get; set; }
}

/// <summary>
/// A queued ingestion. Not tenant-filtered: the worker claims jobs of every tenant, then works on
/// the job's tenant only.
/// </summary>
public sealed class KnowledgeJob
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid SourceId { get; set; }
    public int SourceVersion { get; set; }
    /// <summary><see cref="JobKinds.Index"/> (extract, chunk, store: searchable by keywords) or <see cref="JobKinds.Embed"/> (fill in vectors).</summary>
    public string Kind { get; set; } = JobKinds.Index;
    public string Status { get; set; } = JobStatus.Queued;
    public int Attempts { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public string? Error { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public static class SourceTypes
{
    public const string Text = "text";
    public const string Document = "document";
    public const string Faq = "faq";
    public const string File = "file";
    public const string Url = "url";
    public static readonly string[] All = [Text, Document, Faq, File, Url];
}

public static class SourceStatus
{
    public const string Queued = "queued";
    public const string Processing = "processing";
    public const string Ready = "ready";
    public const string Failed = "failed";
}

/// <summary>The two phases of ingestion, each a job of its own (decision 0030).</summary>
public static class JobKinds
{
    public const string Index = "index";
    public const string Embed = "embed";
}

/// <summary>
/// A source's vectors: pending (none yet, a fill is queued), running (filling in), ready (every passage has one),
/// failed (the provider failed; keyword search only, <see cref="KnowledgeSource.Error"/> says why), off (no provider).
/// </summary>
public static class EmbeddingStates
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Ready = "ready";
    public const string Failed = "failed";
    public const string Off = "off";
}

public static class JobStatus
{
    public const string Queued = "queued";
    public const string Leased = "leased";
    public const string Done = "done";
    public const string Failed = "failed";
}

internal sealed class KnowledgeSourceConfiguration : IEntityTypeConfiguration<KnowledgeSource>
{
    public void Configure(EntityTypeBuilder<KnowledgeSource> builder) => builder.ToTable("knowledge_sources");
}

internal sealed class KnowledgeFileConfiguration : IEntityTypeConfiguration<KnowledgeFile>
{
    public void Configure(EntityTypeBuilder<KnowledgeFile> builder)
    {
        builder.ToTable("knowledge_files");
        builder.HasKey(f => f.SourceId);
        builder.HasOne<KnowledgeSource>().WithOne().HasForeignKey<KnowledgeFile>(f => f.SourceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class KnowledgeChunkConfiguration : IEntityTypeConfiguration<KnowledgeChunk>
{
    public void Configure(EntityTypeBuilder<KnowledgeChunk> builder)
    {
        builder.ToTable("knowledge_chunks");
        builder.HasOne<KnowledgeSource>().WithMany().HasForeignKey(c => c.SourceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class KnowledgeJobConfiguration : IEntityTypeConfiguration<KnowledgeJob>
{
    public void Configure(EntityTypeBuilder<KnowledgeJob> builder)
    {
        builder.ToTable("knowledge_jobs");
        // Inserted after its source in one SaveChanges: EF orders by this relationship.
        builder.HasOne<KnowledgeSource>().WithMany().HasForeignKey(j => j.SourceId).OnDelete(DeleteBehavior.Cascade);
    }
}
