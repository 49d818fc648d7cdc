using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Server.Storage;

namespace Parley.Server.Tasks.Datasets;

/// <summary>A named table a tenant uploaded (CSV or JSON) to analyse with <c>/tasks/analyze</c> by name.</summary>
public sealed class Dataset : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid? UserId { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public required string Format { get; set; }
    public string? FileName { get; set; }
    public required string Content { get; set; }
    public long SizeBytes { get; set; }
    public int RowCount { get; set; }
    public string Columns { get; set; } = "[]";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary><c>Parley:Datasets</c>: limits on registered datasets (the size of one is <see cref="TaskOptions.MaxDatasetBytes"/>).</summary>
public sealed class DatasetOptions
{
    public const string Section = "Parley:Datasets";

    /// <summary>Datasets one tenant may keep registered at once.</summary>
    [Range(1, 100_000)]
    public int MaxPerTenant { get; set; } = 100;

    /// <summary>Rows one dataset may hold (CSV data rows or JSON records).</summary>
    [Range(1, 10_000_000)]
    public int MaxRows { get; set; } = 1_000_000;
}

internal sealed class DatasetConfiguration : IEntityTypeConfiguration<Dataset>
{
    public void Configure(EntityTypeBuilder<Dataset> builder) => builder.ToTable("datasets");
}
