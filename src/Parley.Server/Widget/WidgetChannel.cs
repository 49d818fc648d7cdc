using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Server.Storage;

namespace Parley.Server.Widget;

/// <summary>
/// A web widget channel: one website a tenant puts the chat widget on. <see cref="WebsiteToken"/> is
/// public (it is in the embed snippet); the identity-verification secret is stored encrypted.
/// </summary>
public sealed class WidgetChannel : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    public required string WebsiteToken { get; set; }
    public required string SecretProtected { get; set; }
    public Guid? AssistantId { get; set; }
    public string? Greeting { get; set; }
    /// <summary>JSON array of origins (<c>https://shop.example</c>) or <c>"*"</c>; the server's own origin is always allowed.</summary>
    public string AllowedOrigins { get; set; } = "[]";
    public string Color { get; set; } = WidgetDefaults.Color;
    public string Position { get; set; } = WidgetDefaults.Right;
    /// <summary>JSON array of <c>name</c> / <c>email</c>: what the widget asks before the first message.</summary>
    public string PreChatFields { get; set; } = "[]";
    public bool AllowAttachments { get; set; }
    /// <summary>JSON object overriding the widget's visible strings (key: string id, value: text).</summary>
    public string Strings { get; set; } = "{}";
    public bool IsActive { get; set; } = true;
    public bool IsDefault { get; set; }
    public Guid? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A visitor of one channel; its id is the id of its <c>visitor</c> user row.</summary>
public sealed class WidgetVisitor : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid ChannelId { get; set; }
    /// <summary>The host site's own user id, set only after its HMAC was verified.</summary>
    public string? Identifier { get; set; }
    public string? Name { get; set; }
    public string? Email { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime LastSeenAt { get; set; }
}

public static class WidgetDefaults
{
    public const string Color = "#2563eb";
    public const string Right = "right";
    public const string Left = "left";
    public static readonly string[] PreChatFields = ["name", "email"];
}

internal sealed class WidgetConfiguration : IEntityTypeConfiguration<WidgetChannel>, IEntityTypeConfiguration<WidgetVisitor>
{
    public void Configure(EntityTypeBuilder<WidgetChannel> builder)
    {
        builder.ToTable("widget_channels");
        builder.HasIndex(c => c.WebsiteToken).IsUnique();
    }

    public void Configure(EntityTypeBuilder<WidgetVisitor> builder)
    {
        builder.ToTable("widget_visitors");
        builder.HasIndex(v => new { v.ChannelId, v.Identifier }).IsUnique();
    }
}
