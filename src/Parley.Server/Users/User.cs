using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Server.Storage;
using Parley.Server.Tenants;

namespace Parley.Server.Users;

public sealed class User : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Email { get; set; }
    public required string NormalizedEmail { get; set; }
    public string? Username { get; set; }
    public string? NormalizedUsername { get; set; }
    public string? FullName { get; set; }
    public required string PasswordHash { get; set; }
    public string Role { get; set; } = Roles.User;
    public string SubscriptionPlan { get; set; } = PlanNames.Free;
    public bool IsActive { get; set; } = true;
    public bool IsVerified { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? LastLoginAt { get; set; }

    public static string Normalize(string value) => value.Trim().ToUpperInvariant();
}

public static class Roles
{
    public const string Admin = "admin";
    public const string Agent = "agent";
    public const string User = "user";
    public static readonly string[] All = [Admin, Agent, User];

    /// <summary>
    /// An anonymous or host-identified website visitor of one widget channel (Widget/): never made
    /// through /users, and refused on every route but the widget's (VisitorGate).
    /// </summary>
    public const string Visitor = "visitor";

    /// <summary>admin > agent > user; used to cap what an API key may do.</summary>
    public static int Rank(string role) => role switch { Admin => 3, Agent => 2, User => 1, _ => 0 };
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.ToTable("users");
        builder.HasIndex(u => u.NormalizedEmail).IsUnique();
        builder.HasIndex(u => u.NormalizedUsername).IsUnique();
        builder.HasOne<Tenant>().WithMany().HasForeignKey(u => u.TenantId);
    }
}

/// <summary>The users as <c>db.Users</c>: the feature owns its sets of <see cref="ParleyDb"/>, so Storage knows no feature.</summary>
public static class UserSets
{
    extension(ParleyDb db)
    {
        public DbSet<User> Users => db.Set<User>();
    }
}
