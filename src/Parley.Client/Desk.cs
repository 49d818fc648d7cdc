using System.Text.Json;

namespace Parley.Client;

/// <summary>An internal note on a conversation: agents and admins see it, the customer never does.</summary>
public sealed record ConversationNote : ParleyModel
{
    public Guid Id { get; init; }
    public Guid ConversationId { get; init; }
    public Guid? AuthorId { get; init; }
    public string? AuthorName { get; init; }
    public string Content { get; init; } = "";

    /// <summary>The conversation's last message sequence when the note was written: the note follows that message.</summary>
    public int AfterSequence { get; init; }
    public DateTime CreatedAt { get; init; }

    /// <summary>The note of a <c>note</c> event on a staff socket (its data).</summary>
    public static ConversationNote? From(ParleyEvent e)
        => e.Type == "note" && e.Data.ValueKind == JsonValueKind.Object && e.Data.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object
            ? ParleyJson.Deserialize<ConversationNote>(d)
            : null;
}

/// <summary>A conversation's tags (staff only), also the data of a <c>tags</c> event on a staff socket.</summary>
public sealed record ConversationTags : ParleyModel
{
    public Guid ConversationId { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];

    public static ConversationTags? From(ParleyEvent e)
        => e.Type == "tags" && e.Data.ValueKind == JsonValueKind.Object && e.Data.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object
            ? ParleyJson.Deserialize<ConversationTags>(d)
            : null;
}

/// <summary>A tag in use in the workspace and how many conversations carry it.</summary>
public sealed record TagUsage : ParleyModel
{
    public string Tag { get; init; } = "";
    public int Conversations { get; init; }
}

public sealed record CannedResponse : ParleyModel
{
    public Guid Id { get; init; }
    public string Shortcut { get; init; } = "";
    public string Title { get; init; } = "";
    public string Content { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
}

/// <summary>Who a conversation's customer is; <see cref="VerifiedId"/> is set only for an HMAC-verified widget identity.</summary>
public sealed record CustomerIdentity : ParleyModel
{
    public Guid? UserId { get; init; }
    public string? CustomerId { get; init; }
    public string? Role { get; init; }
    public string? Username { get; init; }
    public string? Name { get; init; }
    public string? Email { get; init; }
    public bool Verified { get; init; }
    public string? VerifiedId { get; init; }
    public Guid? WidgetChannelId { get; init; }
    public DateTime? FirstSeenAt { get; init; }
}

public sealed record CustomerPanel : ParleyModel
{
    public Guid ConversationId { get; init; }
    public CustomerIdentity Customer { get; init; } = new();
    public IReadOnlyList<Conversation> Conversations { get; init; } = [];
    public int ConversationsTotal { get; init; }
    public IReadOnlyList<Ticket> Tickets { get; init; } = [];
    public int TicketsTotal { get; init; }
}

/// <summary>The agents' desk: internal notes, tags, the customer panel (<c>/conversations/{id}/notes</c>, <c>/tags</c>, <c>/customer</c>).</summary>
public sealed class DeskResource(ParleyClient client) : ResourceBase(client)
{
    public Task<ConversationNote> AddNoteAsync(Guid conversationId, string content, CancellationToken cancellationToken = default)
        => Client.SendJsonAsync<ConversationNote>(HttpMethod.Post, $"conversations/{Id(conversationId)}/notes", new { content }, cancellationToken);

    public IAsyncEnumerable<ConversationNote> AllNotesAsync(Guid conversationId, CancellationToken cancellationToken = default)
        => Client.AllAsync<ConversationNote>($"conversations/{Id(conversationId)}/notes", null, cancellationToken);

    public Task<ConversationTags> TagsAsync(Guid conversationId, CancellationToken cancellationToken = default)
        => Client.GetAsync<ConversationTags>($"conversations/{Id(conversationId)}/tags", cancellationToken);

    /// <summary>Adds a tag (stored lower case; adding one the conversation has is a no-op) and answers the conversation's tags.</summary>
    public Task<ConversationTags> AddTagAsync(Guid conversationId, string tag, CancellationToken cancellationToken = default)
        => Client.SendJsonAsync<ConversationTags>(HttpMethod.Post, $"conversations/{Id(conversationId)}/tags", new { tag }, cancellationToken);

    public Task<ConversationTags> RemoveTagAsync(Guid conversationId, string tag, CancellationToken cancellationToken = default)
        => Client.SendJsonAsync<ConversationTags>(HttpMethod.Delete, $"conversations/{Id(conversationId)}/tags/{Uri.EscapeDataString(tag)}", null, cancellationToken);

    /// <summary>The workspace's tags in use, most used first.</summary>
    public Task<IReadOnlyList<TagUsage>> TagsInUseAsync(CancellationToken cancellationToken = default)
        => Client.GetAsync<IReadOnlyList<TagUsage>>("conversation-tags", cancellationToken);

    public Task<CustomerPanel> CustomerAsync(Guid conversationId, CancellationToken cancellationToken = default)
        => Client.GetAsync<CustomerPanel>($"conversations/{Id(conversationId)}/customer", cancellationToken);
}
