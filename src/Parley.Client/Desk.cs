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

/// <summary>The agents' desk: internal notes, the customer panel (<c>/conversations/{id}/notes</c>, <c>/customer</c>).</summary>
public sealed class DeskResource(ParleyClient client) : ResourceBase(client)
{
    public Task<ConversationNote> AddNoteAsync(Guid conversationId, string content, CancellationToken cancellationToken = default)
        => Client.SendJsonAsync<ConversationNote>(HttpMethod.Post, $"conversations/{Id(conversationId)}/notes", new { content }, cancellationToken);

    public IAsyncEnumerable<ConversationNote> AllNotesAsync(Guid conversationId, CancellationToken cancellationToken = default)
        => Client.AllAsync<ConversationNote>($"conversations/{Id(conversationId)}/notes", null, cancellationToken);

    public Task<CustomerPanel> CustomerAsync(Guid conversationId, CancellationToken cancellationToken = default)
        => Client.GetAsync<CustomerPanel>($"conversations/{Id(conversationId)}/customer", cancellationToken);
}
