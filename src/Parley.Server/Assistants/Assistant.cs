using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Server.Storage;

namespace Parley.Server.Assistants;

/// <summary>
/// A bot persona of a tenant (AI Assistant Platform <c>/assistants</c>): what it is told (system prompt, personality),
/// which model settings replace the configured ones, which tools and knowledge categories it may use.
/// Exactly one assistant per tenant is the default that conversations without one are bound to.
/// </summary>
public sealed class Assistant : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public string? Personality { get; set; }
    public string? SystemPrompt { get; set; }
    /// <summary>JSON array of tool ids.</summary>
    public string Tools { get; set; } = "[]";
    /// <summary>JSON array of knowledge categories the assistant may search; empty means all.</summary>
    public string KnowledgeCategories { get; set; } = "[]";
    public string? Model { get; set; }
    public double? Temperature { get; set; }
    public int? MaxTokens { get; set; }
    public string Status { get; set; } = AssistantStatus.Active;
    public string? Category { get; set; }
    public bool IsDefault { get; set; }
    public Guid? CreatedBy { get; set; }
    /// <summary>The user this row is private to (a plain user made it); null for the tenant's shared rows.</summary>
    public Guid? OwnerUserId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public static class AssistantStatus
{
    public const string Active = "active";
    public const string Inactive = "inactive";
    public const string Draft = "draft";
    public static readonly string[] All = [Active, Inactive, Draft];
}

internal sealed class AssistantConfiguration : IEntityTypeConfiguration<Assistant>
{
    public void Configure(EntityTypeBuilder<Assistant> builder) => builder.ToTable("assistants");
}
