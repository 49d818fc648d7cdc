using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Server.Storage;

namespace Parley.Server.ConversationModel;

/// <summary>
/// One conversation, whatever a document calls it (Integration Platform, Three-Database Chatbot and HeliosCS "session", Customer Care AI and AI Assistant Platform "conversation").
/// <see cref="LastSequence"/> numbers its messages and realtime events so clients can resume.
/// </summary>
public sealed class Conversation : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid? UserId { get; set; }
    public string? CustomerId { get; set; }
    /// <summary>A session id the client chose (Three-Database Chatbot's <c>"optional-session-id"</c>); unique per tenant and owner.</summary>
    public string? ExternalId { get; set; }
    public Guid? AssistantId { get; set; }
    public required string Title { get; set; }
    public string Channel { get; set; } = Channels.Web;
    public string Status { get; set; } = ConversationStatus.Active;
    public string Metadata { get; set; } = "{}";
    public int MessageCount { get; set; }
    public int LastSequence { get; set; }
    public int LowConfidenceStreak { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? LastMessageAt { get; set; }
    public DateTime? EndedAt { get; set; }
    /// <summary>The agent holding an escalated conversation; while set, the bot stays silent.</summary>
    public Guid? AssignedAgentId { get; set; }
    public DateTime? EscalatedAt { get; set; }
    public string? EscalationReason { get; set; }
}

public static class ConversationStatus
{
    public const string Active = "active";
    public const string Escalated = "escalated";
    public const string Ended = "ended";
}

public static class Channels
{
    public static readonly string[] All = [Web, Mobile, Email, Chat, Api, WebWidget];
    public const string Web = "web";
    public const string Mobile = "mobile";
    public const string Email = "email";
    public const string Chat = "chat";
    public const string Api = "api";

    /// <summary>Conversations started from the embeddable chat widget (Widget/).</summary>
    public const string WebWidget = "web_widget";
}

public sealed class Message : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid ConversationId { get; set; }
    public int Sequence { get; set; }
    public required string MessageType { get; set; }
    public Guid? SenderId { get; set; }
    /// <summary>Already redacted: the original PII never reaches the database.</summary>
    public required string Content { get; set; }
    public string Status { get; set; } = "sent";
    public string? Intent { get; set; }
    public double? Confidence { get; set; }
    public string Entities { get; set; } = "[]";
    public string Citations { get; set; } = "[]";
    public string Redactions { get; set; } = "[]";
    public string Metadata { get; set; } = "{}";
    public int TokensUsed { get; set; }
    public double? ResponseTimeMs { get; set; }
    public bool Cached { get; set; }
    public DateTime CreatedAt { get; set; }
}

public static class MessageTypes
{
    public const string User = "user";
    public const string Bot = "bot";
    public const string Agent = "agent";
    public const string System = "system";
    public static readonly string[] All = [User, Bot, Agent, System];
}

public sealed class MessageFeedback : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid MessageId { get; set; }
    public Guid ConversationId { get; set; }
    public Guid? UserId { get; set; }
    public int Rating { get; set; }
    public string? Feedback { get; set; }
    public string? Category { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class ConversationConfiguration : IEntityTypeConfiguration<Conversation>, IEntityTypeConfiguration<Message>, IEntityTypeConfiguration<MessageFeedback>
{
    public void Configure(EntityTypeBuilder<Conversation> builder)
    {
        builder.ToTable("conversations");
        builder.HasIndex(c => new { c.TenantId, c.UserId, c.ExternalId }).IsUnique();
    }

    public void Configure(EntityTypeBuilder<Message> builder)
    {
        builder.ToTable("messages");
        builder.HasIndex(m => new { m.ConversationId, m.Sequence }).IsUnique();
        builder.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<MessageFeedback> builder)
    {
        builder.ToTable("message_feedback");
        builder.HasOne<Message>().WithMany().HasForeignKey(f => f.MessageId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>Conversations, their messages and the feedback on them as <c>db.Conversations</c>: the feature owns its sets of <see cref="ParleyDb"/>, so Storage knows no feature.</summary>
public static class ConversationSets
{
    extension(ParleyDb db)
    {
        public DbSet<Conversation> Conversations => db.Set<Conversation>();
        public DbSet<Message> Messages => db.Set<Message>();
        public DbSet<MessageFeedback> MessageFeedback => db.Set<MessageFeedback>();
    }
}
