using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Server.Storage;

namespace Parley.Server.Understanding;

/// <summary>
/// A tenant's intent: a new one, or an override of one of Parley's defaults with the same name
/// (its examples are added to the default's, or replace them; <see cref="Enabled"/> false removes it).
/// </summary>
public sealed class TenantIntent : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }

    /// <summary>JSON array of example utterances.</summary>
    public string Examples { get; set; } = "[]";
    public bool Enabled { get; set; } = true;
    public bool ReplaceDefaultExamples { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A tenant-defined entity type: canonical values and their synonyms, matched word by word in every message.</summary>
public sealed class EntityLookup : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }

    /// <summary>JSON array of <c>{value, synonyms}</c>.</summary>
    public string Entries { get; set; } = "[]";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// One row per tenant that changed anything: the trained intent model, the redaction settings, and a
/// <see cref="Revision"/> stamp replaced on every change to either or to a lookup list. Instances keep
/// the tenant's understanding in memory and compare only this stamp to know when to reload it.
/// </summary>
public sealed class TenantUnderstandingState : ITenantOwned
{
    public Guid TenantId { get; set; }
    public Guid Revision { get; set; }
    public int ModelVersion { get; set; }
    public byte[]? IntentModel { get; set; }

    /// <summary>JSON training statistics of the stored model.</summary>
    public string? ModelStats { get; set; }
    public DateTime? TrainedAt { get; set; }

    /// <summary>JSON redaction settings; null uses the platform defaults (<c>Parley:Redaction</c>).</summary>
    public string? Redaction { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class UnderstandingConfiguration :
    IEntityTypeConfiguration<TenantIntent>, IEntityTypeConfiguration<EntityLookup>, IEntityTypeConfiguration<TenantUnderstandingState>
{
    public void Configure(EntityTypeBuilder<TenantIntent> builder)
    {
        builder.ToTable("tenant_intents");
        builder.HasIndex(i => new { i.TenantId, i.Name }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<EntityLookup> builder)
    {
        builder.ToTable("entity_lookups");
        builder.HasIndex(l => new { l.TenantId, l.Name }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<TenantUnderstandingState> builder)
    {
        builder.ToTable("tenant_understanding");
        builder.HasKey(s => s.TenantId);
    }
}
