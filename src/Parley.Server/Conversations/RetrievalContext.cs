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

/// <summary>
/// Whether a message asks for a person. The intent model reads "I'd like to…" and "how do I…" as a
/// request for one (the phrasing, not the want); a handoff needs the customer to name who they want.
/// </summary>
public static class PersonRequest
{
    private static readonly HashSet<string> Words = new(StringComparer.Ordinal)
    {
        "human", "humans", "person", "people", "agent", "agents", "representative", "rep", "someone", "somebody", "anyone", "anybody",
        "staff", "operator", "manager", "supervisor", "advisor", "adviser", "employee", "assistant", "live", "real", "support", "service",
        "team", "call", "phone", "callback", "talk", "speak", "chat", "man", "woman", "guy", "colleague", "escalate", "helpdesk",
    };

    public static bool NamesWhom(string text) => Knowledge.TextAnalysis.Words(text).Any(Words.Contains);
}
