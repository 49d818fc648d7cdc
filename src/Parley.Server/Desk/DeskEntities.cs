using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Server.ConversationModel;
using Parley.Server.Conversations;
using Parley.Server.Storage;

namespace Parley.Server.Desk;

/// <summary>
/// An agent's or admin's internal note on a conversation. Kept apart from <see cref="Message"/> on
/// purpose: every path that shows a customer their conversation reads messages, none reads notes.
/// </summary>
public sealed class ConversationNote : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid ConversationId { get; set; }
    public Guid? AuthorId { get; set; }
    public string? AuthorName { get; set; }
    public required string Content { get; set; }
    /// <summary>The conversation's last message sequence when the note was written: the note follows that message.</summary>
    public int AfterSequence { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A reply the tenant's agents share, inserted in the console by typing <c>/shortcut</c>.</summary>
public sealed class CannedResponse : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Shortcut { get; set; }
    public required string Title { get; set; }
    public required string Content { get; set; }
    public Guid? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class DeskConfiguration : IEntityTypeConfiguration<ConversationNote>, IEntityTypeConfiguration<CannedResponse>
{
    public void Configure(EntityTypeBuilder<ConversationNote> builder)
    {
        builder.ToTable("conversation_notes");
        builder.HasOne<Conversation>().WithMany().HasForeignKey(n => n.ConversationId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<CannedResponse> builder)
    {
        builder.ToTable("canned_responses");
        builder.HasIndex(c => new { c.TenantId, c.Shortcut }).IsUnique();
    }
}
