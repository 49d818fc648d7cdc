using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Server.Storage;
using Parley.Server.Users;

namespace Parley.Server.Auth;

/// <summary>
/// One login: the family of refresh tokens that rotate from it. Access tokens carry its id
/// (<c>sid</c>), so revoking the session (logout, refresh-token reuse) ends them too.
/// </summary>
public sealed class AuthSession : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid UserId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime LastSeenAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public string? RevokedReason { get; set; }
    public string? UserAgent { get; set; }
    public string? IpAddress { get; set; }
}

public sealed class RefreshToken : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid SessionId { get; set; }
    public Guid UserId { get; set; }
    /// <summary>SHA-256 of the token; the token itself is never stored.</summary>
    public required string TokenHash { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? UsedAt { get; set; }
}

internal sealed class AuthSessionConfiguration : IEntityTypeConfiguration<AuthSession>
{
    public void Configure(EntityTypeBuilder<AuthSession> builder)
    {
        builder.ToTable("auth_sessions");
        builder.HasOne<User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RefreshTokenConfiguration : IEntityTypeConfiguration<RefreshToken>
{
    public void Configure(EntityTypeBuilder<RefreshToken> builder)
    {
        builder.ToTable("refresh_tokens");
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.HasOne<AuthSession>().WithMany().HasForeignKey(t => t.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>Sign-in sessions and refresh tokens as <c>db.AuthSessions</c>: the feature owns its sets of <see cref="ParleyDb"/>, so Storage knows no feature.</summary>
public static class AuthSets
{
    extension(ParleyDb db)
    {
        public DbSet<AuthSession> AuthSessions => db.Set<AuthSession>();
        public DbSet<RefreshToken> RefreshTokens => db.Set<RefreshToken>();
    }
}
