using Parley.Server.Storage;

namespace Parley.Server.Conversations;

/// <summary>
/// What earlier turns established, for retrieval: the customer's recent messages, newest first.
/// Customers name the hotel or product once and then ask "what time is check-in there?"; the search
/// resolves the entity under discussion from these (<see cref="Knowledge.SourceNames"/>). Read from
/// the recent-message cache the pipeline keeps, or the database.
/// </summary>
public sealed class RetrievalContext(ParleyDb db, ConversationQueries queries, RecentMessages recent)
{
    /// <summary>How many earlier messages are read (user and bot); the user's among them are the context.</summary>
    public const int Messages = 10;

    public async Task<IReadOnlyList<string>> EarlierTurnsAsync(Conversation conversation, CancellationToken cancellationToken)
    {
        if (conversation.MessageCount == 0)
        {
            return [];
        }

        var messages = recent.Find(conversation.Id, conversation.LastSequence, Messages);
        if (messages is null)
        {
            var read = new List<Message>();
            await foreach (var message in queries.Recent(db, conversation.Id, Messages).WithCancellation(cancellationToken))
            {
                read.Add(message);
            }

            read.Reverse();
            recent.Store(conversation.Id, conversation.LastSequence, Messages, read);
            messages = read;
        }

        return messages.Where(m => m.MessageType == MessageTypes.User).Select(m => m.Content).Reverse().ToList();
    }
}
