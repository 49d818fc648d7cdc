using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Server.Storage;

namespace Parley.Server.ConversationModel;

/// <summary>A staff-only tag on a conversation, stored normalised (see <see cref="ConversationTagRules.Normalize"/>).</summary>
public sealed class ConversationTag : ITenantOwned
{
    public Guid ConversationId { get; set; }
    public required string Tag { get; set; }
    public Guid TenantId { get; set; }
    public Guid? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>What a tag may be, and the inbox's tag filter. The routes that set tags are the Desk's (<c>TagsApi</c>);
/// the conversation lists that filter by them are Conversations' and Handoff's, so the rules live with the model.</summary>
public static class ConversationTagRules
{
    public const int MaxLength = 32;
    public const int MaxPerConversation = 20;
    public const string Rule = "1-32 letters, digits, '-' or '_' (stored lower case; spaces become '-').";

    /// <summary>Lower case, trimmed, inner spaces as one '-'; null when nothing valid is left.</summary>
    public static string? Normalize(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var part in tag.Trim().ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            text.Append(text.Length == 0 ? "" : "-").Append(part);
        }

        var normal = text.ToString();
        return normal.Length <= MaxLength && normal.All(c => char.IsLetterOrDigit(c) || c is '-' or '_') ? normal : null;
    }

    /// <summary>Conversations with the tag (index ix_conversation_tags_tenant_tag); an invalid tag matches nothing.</summary>
    public static IQueryable<Conversation> WithTag(IQueryable<Conversation> source, ParleyDb db, string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            return source;
        }

        var normal = Normalize(tag) ?? "";
        return source.Where(c => db.Set<ConversationTag>().Any(t => t.ConversationId == c.Id && t.Tag == normal));
    }
}

internal sealed class ConversationTagConfiguration : IEntityTypeConfiguration<ConversationTag>
{
    public void Configure(EntityTypeBuilder<ConversationTag> builder)
    {
        builder.ToTable("conversation_tags");
        builder.HasKey(t => new { t.ConversationId, t.Tag });
        builder.HasOne<Conversation>().WithMany().HasForeignKey(t => t.ConversationId).OnDelete(DeleteBehavior.Cascade);
    }
}
