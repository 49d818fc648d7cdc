using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Server.Storage;

namespace Parley.Server.Integrations;

/// <summary>
/// A connection to a tenant's business system (Integration Platform <c>/integrations</c>). <see cref="Credentials"/>
/// holds the Data Protection ciphertext of a JSON object; it never leaves the server.
/// </summary>
public sealed class Integration : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    public required string IntegrationType { get; set; }
    public string Status { get; set; } = IntegrationStatus.Active;

    /// <summary>JSON object: endpoint and type-specific settings (project_key, owner, repo, ...). Not secret.</summary>
    public string Config { get; set; } = "{}";

    public string? Credentials { get; set; }
    public Guid? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>The last time a call to the system succeeded (a test or a tool action).</summary>
    public DateTime? LastSync { get; set; }

    public bool? LastTestSuccess { get; set; }
    public string? LastTestMessage { get; set; }
}

public static class IntegrationTypes
{
    public const string Jira = "jira";
    public const string GitHub = "github";
    public const string Http = "http";
    public static readonly string[] All = [Jira, GitHub, Http];
}

public static class IntegrationStatus
{
    public const string Active = "active";
    public const string Inactive = "inactive";

    /// <summary>Set by Parley when a connection test fails; the next successful call makes it active again.</summary>
    public const string Error = "error";

    public static readonly string[] Settable = [Active, Inactive];
}

internal sealed class IntegrationConfiguration : IEntityTypeConfiguration<Integration>
{
    public void Configure(EntityTypeBuilder<Integration> builder)
    {
        builder.ToTable("integrations");
        builder.HasIndex(i => new { i.TenantId, i.IntegrationType, i.CreatedAt });
    }
}
