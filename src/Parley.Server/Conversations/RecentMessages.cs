using System.Linq.Expressions;
using Microsoft.Extensions.Caching.Memory;
using Parley.Server.ConversationModel;

namespace Parley.Server.Conversations;

/// <summary>
/// The last messages of conversations in progress, as an LLM reads them (type and content), so a turn
/// builds its prompt without reading the history again. An entry is used only while it ends at the
/// conversation's stored <see cref="Conversation.LastSequence"/> (which every turn re-reads under its
/// lock), so anything written elsewhere (an agent's reply, a turn on another instance) makes it stale
/// and the history is read from the database instead. Bounded by the characters held.
/// </summary>
public sealed class RecentMessages : IDisposable
{
    /// <summary>Characters of message content held at most (about 100 MB of strings).</summary>
    public const long MaxCharacters = 50_000_000;

    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(10);

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxCharacters });

    /// <param name="Messages">The last <see cref="Count"/> messages (all of them when there are fewer), oldest first.</param>
    private sealed record Entry(int LastSequence, int Count, Message[] Messages);

    /// <summary>The last <paramref name="count"/> messages (oldest first) if held for exactly this state of the conversation.</summary>
    public IReadOnlyList<Message>? Find(Guid conversationId, int lastSequence, int count)
        => _cache.TryGetValue(conversationId, out Entry? entry) && entry!.LastSequence == lastSequence && entry.Count >= count
            ? entry.Messages.Length <= count ? entry.Messages : entry.Messages[^count..]
            : null;

    /// <summary>Holds what was just read: the last <paramref name="count"/> messages of the conversation, oldest first.</summary>
    public void Store(Guid conversationId, int lastSequence, int count, IReadOnlyList<Message> messages)
        => Set(conversationId, new Entry(lastSequence, count, [.. messages.Select(Copy)]));

    /// <summary>A turn stored these messages after <paramref name="previousLastSequence"/>: extends the entry if it was current.</summary>
    public void Append(Guid conversationId, int previousLastSequence, params Message[] added)
    {
        if (!_cache.TryGetValue(conversationId, out Entry? entry) || entry!.LastSequence != previousLastSequence || added.Length == 0)
        {
            _cache.Remove(conversationId);
            return;
        }

        var messages = entry.Messages.Concat(added.Select(Copy)).TakeLast(entry.Count).ToArray();
        Set(conversationId, new Entry(added[^1].Sequence, entry.Count, messages));
    }

    private void Set(Guid conversationId, Entry entry)
        => _cache.Set(conversationId, entry, new MemoryCacheEntryOptions { Size = Math.Max(1, entry.Messages.Sum(m => (long)m.Content.Length)), SlidingExpiration = Idle });

    /// <summary>
    /// What a prompt reads of a message. The history query selects exactly these columns with it, and
    /// <see cref="Copy"/> makes the same detached copy of a request's tracked message.
    /// </summary>
    public static readonly Expression<Func<Message, Message>> PromptShape = m => new Message
    {
        Id = m.Id,
        TenantId = m.TenantId,
        ConversationId = m.ConversationId,
        Sequence = m.Sequence,
        MessageType = m.MessageType,
        Content = m.Content,
        CreatedAt = m.CreatedAt,
    };

    /// <summary>A detached copy with what a prompt reads, so no request's tracked entity is shared.</summary>
    private static readonly Func<Message, Message> Copy = PromptShape.Compile();

    public void Dispose() => _cache.Dispose();
}
