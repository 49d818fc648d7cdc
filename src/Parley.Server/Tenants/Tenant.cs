using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Server.Storage;

namespace Parley.Server.Tenants;

public sealed class Tenant
{
    /// <summary>The platform tenant made by the first migration; its admins manage all tenants.</summary>
    public static readonly Guid PlatformId = new("00000000-0000-0000-0000-000000000001");

    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Slug { get; set; }
    public string SubscriptionPlan { get; set; } = PlanNames.Free;
    public bool IsActive { get; set; } = true;
    public bool IsPlatform { get; set; }
    public DateTime? AdminBootstrappedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public static class PlanNames
{
    public const string Free = "free";
    public const string Pro = "pro";
    public const string Enterprise = "enterprise";
    public static readonly string[] All = [Free, Pro, Enterprise];
}

internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> builder)
    {
        builder.ToTable("tenants");
        builder.HasIndex(t => t.Slug).IsUnique();
    }
}

/// <summary>The tenants as <c>db.Tenants</c>: the feature owns its sets of <see cref="ParleyDb"/>, so Storage knows no feature.</summary>
public static class TenantSets
{
    extension(ParleyDb db)
    {
        public DbSet<Tenant> Tenants => db.Set<Tenant>();
    }
}
