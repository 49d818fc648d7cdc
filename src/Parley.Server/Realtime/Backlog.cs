using System.Runtime.CompilerServices;
using Parley.Server.ConversationModel;
using Parley.Server.Conversations;

namespace Parley.Server.Realtime;

/// <summary>
/// Replays what a client missed (<c>?last_sequence=N</c>, <c>Last-Event-ID</c>) a page at a time, so
/// a long backlog streams at the client's pace instead of overflowing a bounded buffer.
/// </summary>
public static class Backlog
{
    /// <summary>Where the replay starts (messages after <c>From</c>) and, when the client is too far behind, what to tell it.</summary>
    public sealed record Plan(int From, object? Resync);

    public static Plan For(Conversation conversation, int after, int maxMessages)
    {
        var latest = conversation.LastSequence;
        if (latest - after <= maxMessages)
        {
            return new Plan(after, null);
        }

        var oldest = latest - maxMessages + 1;
        return new Plan(oldest - 1, new
        {
            type = "resync_required",
            conversation_id = conversation.Id,
            session_id = conversation.Id,
            last_sequence = after,
            oldest_sequence = oldest,
            latest_sequence = latest,
            missed = latest - after,
            max_resume = maxMessages,
            fetch = $"/api/v1/messages/{conversation.Id}?filter[after_sequence]={after}&limit=100",
            message = $"{latest - after} messages were missed, more than the {maxMessages} a resume replays: the stream continues from sequence {oldest}; page the earlier ones from 'fetch'.",
            timestamp = DateTime.UtcNow,
        });
    }

    /// <summary>The stored messages after <paramref name="after"/>, read a page at a time until none are left.</summary>
    public static async IAsyncEnumerable<Message> MessagesAsync(ConversationService conversations, Guid conversationId, int after, int pageSize,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = await conversations.MessagesAsync(conversationId, after, pageSize, cancellationToken);
            foreach (var message in page)
            {
                after = message.Sequence;
                yield return message;
            }

            if (page.Count < pageSize)
            {
                yield break;
            }
        }
    }
}
