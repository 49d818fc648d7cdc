using System.Globalization;
using Parley.Server.Knowledge;
using Parley.Server.Understanding;

namespace Parley.Server.Conversations;

/// <summary>
/// The default answerer: no model server, no network. It replies to conversational intents,
/// answers questions only from retrieved knowledge (quoting the best passage and citing it), and
/// otherwise asks a clarifying question or offers a person. It never states a fact it was not given.
/// </summary>
public sealed class BuiltInAnswerEngine
{
    public const string EngineName = "built-in";

    /// <summary>A passage must score at least this to be used as an answer.</summary>
    public double MinPassageScore { get; init; } = 0.35;

    private static readonly Dictionary<string, string> Replies = new(StringComparer.Ordinal)
    {
        ["greet"] = "Hello! How can I help you today?",
        ["goodbye"] = "Thanks for reaching out. Have a great day!",
        ["thanks"] = "You're welcome! Is there anything else I can help with?",
        ["affirm"] = "Great. What would you like to do next?",
        ["deny"] = "No problem. Is there something else I can help you with?",
        ["human_handoff"] = "I'm connecting you with a member of our support team. They'll join this conversation shortly.",
        ["complaint"] = "I'm sorry about this experience. I've noted your complaint; could you share the details (for example an order or account number) so we can put it right?",
    };

    /// <summary>Said when the bot has not known the answer often enough that a person is called in.</summary>
    public const string UncertainHandoff =
        "I'm not sure I have the right answer to that, so I'm connecting you with a member of our support team. They'll join this conversation shortly.";

    /// <summary>Whether the conversation already waits for (or is with) a person: the bot then stops offering one.</summary>
    public static bool PersonComing(Conversation conversation) => conversation.Status == ConversationStatus.Escalated;

    public Answer Answer(MessageUnderstanding understanding, IReadOnlyList<Passage> passages, bool escalating, bool personComing = false)
    {
        if (escalating)
        {
            return Reply(Replies["human_handoff"], Math.Max(understanding.Confidence, 0.5), []);
        }

        var best = passages.Where(p => p.Score >= MinPassageScore).OrderByDescending(p => p.Score).ToList();
        if (Replies.TryGetValue(understanding.Intent, out var reply) && (best.Count == 0 || understanding.Confidence >= 0.8))
        {
            return Reply(reply, understanding.Confidence, []);
        }

        if (best.Count > 0)
        {
            var top = best[0];
            var citations = best.Take(3).Select(Cite).ToList();
            return Reply(Summarise(top.Text), top.Score, citations);
        }

        return Reply(
            personComing
                ? "I'm not sure I have the right answer to that. A member of our support team will join this conversation shortly."
                : "I'm not sure I have the right answer to that. Could you tell me a bit more about what you need? If you prefer, I can connect you with a person.",
            Math.Min(understanding.Confidence, 0.3),
            []);
    }

    private static Answer Reply(string text, double confidence, IReadOnlyList<CitationView> citations)
        => new(text, Math.Round(confidence, 4), citations, EngineName, 0, new Dictionary<string, object?> { ["engine"] = EngineName });

    public static CitationView Cite(Passage p) => new(
        $"{p.SourceId:N}:{p.ChunkId:N}", p.SourceId.ToString(), p.ChunkId.ToString(), p.SourceName, p.Title, p.Url,
        p.Text.Length <= 240 ? p.Text : p.Text[..237] + "...", Math.Round(p.Score, 4));

    // The first two or three sentences of the passage, never more than ~600 characters.
    private static string Summarise(string text)
    {
        var sentences = text.Split(". ", StringSplitOptions.RemoveEmptyEntries);
        var answer = string.Join(". ", sentences.Take(3)).Trim();
        if (!answer.EndsWith('.') && !answer.EndsWith('?') && !answer.EndsWith('!'))
        {
            answer += ".";
        }

        return answer.Length <= 600 ? answer : answer[..597].ToString(CultureInfo.InvariantCulture) + "...";
    }
}
