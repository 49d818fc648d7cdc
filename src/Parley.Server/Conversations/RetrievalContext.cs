using Parley.Server.ConversationModel;
using Parley.Server.Storage;

namespace Parley.Server.Conversations;

/// <summary>
/// What earlier turns established, for retrieval: the recent messages of the customer and of the
/// support agents, newest first. Customers name the hotel or product once and then ask "what time is
/// check-in there?", and as often it is the agent who named it ("I recommend the Grant Hotel"): on
/// DSTC10, 77 of the 104 knowledge-seeking turns ask about an entity only the agent side named. The
/// search resolves the entity under discussion from these (<see cref="Knowledge.SourceNames"/>). The
/// bot's own answers are left out: they quote passages that name other things. Read from the
/// recent-message cache the pipeline keeps, or the database.
/// </summary>
public sealed class RetrievalContext(ParleyDb db, ConversationQueries queries, RecentMessages recent)
{
    /// <summary>How many earlier messages are read (all types); the customer's and agents' among them are the context.</summary>
    public const int Messages = 24;

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

        return messages.Where(m => m.MessageType is MessageTypes.User or MessageTypes.Agent).Select(m => m.Content).Reverse().ToList();
    }
}
