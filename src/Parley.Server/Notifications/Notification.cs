using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Server.Storage;
using Parley.Server.Users;

namespace Parley.Server.Notifications;

/// <summary>A message to one user (the Three-Database Chatbot document's <c>/notifications</c>), also pushed live on <c>/ws</c>.</summary>
public sealed class Notification : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid UserId { get; set; }
    /// <summary>How it should look: <c>success</c>, <c>info</c>, <c>warning</c> or <c>error</c> (Three-Database Chatbot shows <c>success</c>).</summary>
    public required string Type { get; set; }
    /// <summary>What it is about: <c>task_completed</c>, <c>task_failed</c>, <c>escalation</c>, <c>ticket_assigned</c>, <c>quota_warning</c>, <c>registration_attempt</c>.</summary>
    public required string Category { get; set; }
    public required string Title { get; set; }
    public required string Message { get; set; }
    /// <summary>JSON object with the ids the notification is about.</summary>
    public string Data { get; set; } = "{}";
    public DateTime CreatedAt { get; set; }
    public DateTime? ReadAt { get; set; }
}

public static class NotificationTypes
{
    public const string Success = "success";
    public const string Info = "info";
    public const string Warning = "warning";
    public const string Error = "error";
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.ToTable("notifications");
        builder.HasOne<User>().WithMany().HasForeignKey(n => n.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
