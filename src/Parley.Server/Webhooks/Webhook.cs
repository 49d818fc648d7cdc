using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Server.Storage;

namespace Parley.Server.Webhooks;

/// <summary>An endpoint outside Parley that receives a tenant's events, signed with its secret.</summary>
public sealed class Webhook : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Url { get; set; }
    /// <summary>JSON array of event names.</summary>
    public string Events { get; set; } = "[]";
    public string? Description { get; set; }
    /// <summary>The signing secret, encrypted by SecretProtector; never returned by the API.</summary>
    public required string SecretProtected { get; set; }
    public bool IsActive { get; set; } = true;
    public string? DisabledReason { get; set; }
    /// <summary>Failed attempts since the last success, and when that streak began.</summary>
    public int ConsecutiveFailures { get; set; }
    public DateTime? FailingSince { get; set; }
    public DateTime? LastSuccessAt { get; set; }
    /// <summary>
    /// The circuit breaker: null is closed. While in the future the endpoint is not attempted (its
    /// deliveries wait, pushed back to this time); once passed it is half-open: one probe at a time
    /// until a success clears it.
    /// </summary>
    public DateTime? CircuitOpenUntil { get; set; }
    public Guid? CreatedBy { get; set; }
    /// <summary>The user this row is private to (a plain user made it); null for the tenant's shared rows.</summary>
    public Guid? OwnerUserId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public static readonly string[] All = [Pending, Succeeded, Failed];
}

/// <summary>
/// One event for one endpoint: the outbox row written in the same transaction as the change that
/// raised the event, then sent (and retried) by <see cref="WebhookDispatcher"/>. A worker owns a
/// row while <see cref="LockedUntil"/> is in the future and <see cref="LockToken"/> is its own.
/// </summary>
public sealed class WebhookDelivery : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid WebhookId { get; set; }
    /// <summary>The Standard Webhooks <c>webhook-id</c>: the same on every retry so receivers can de-duplicate.</summary>
    public required string EventId { get; set; }
    public required string EventType { get; set; }
    /// <summary>The exact body that is signed and sent.</summary>
    public required string Payload { get; set; }
    public string Status { get; set; } = DeliveryStatus.Pending;
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? LockedUntil { get; set; }
    public Guid? LockToken { get; set; }
    public DateTime? LastAttemptAt { get; set; }
    public int? ResponseStatus { get; set; }
    public double? DurationMs { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
}

/// <summary>The secret an external system signs incoming webhooks with (one per tenant).</summary>
public sealed class InboundWebhookSecret : ITenantOwned
{
    public Guid TenantId { get; set; }
    public required string SecretProtected { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>An incoming <c>webhook-id</c> already accepted: a replay of it is refused.</summary>
public sealed class InboundWebhookReceipt : ITenantOwned
{
    public Guid TenantId { get; set; }
    public required string MessageId { get; set; }
    public DateTime ReceivedAt { get; set; }
}

internal sealed class WebhookConfiguration : IEntityTypeConfiguration<Webhook>, IEntityTypeConfiguration<WebhookDelivery>,
    IEntityTypeConfiguration<InboundWebhookSecret>, IEntityTypeConfiguration<InboundWebhookReceipt>
{
    public void Configure(EntityTypeBuilder<Webhook> builder) => builder.ToTable("webhooks");

    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.ToTable("webhook_deliveries");
        builder.HasOne<Webhook>().WithMany().HasForeignKey(d => d.WebhookId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<InboundWebhookSecret> builder)
    {
        builder.ToTable("inbound_webhook_secrets");
        builder.HasKey(s => s.TenantId);
    }

    public void Configure(EntityTypeBuilder<InboundWebhookReceipt> builder)
    {
        builder.ToTable("inbound_webhook_receipts");
        builder.HasKey(r => new { r.TenantId, r.MessageId });
    }
}
