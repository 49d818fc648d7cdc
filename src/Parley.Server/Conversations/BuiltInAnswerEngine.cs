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

    /// <summary>
    /// A passage must score at least this to be used as an answer. 0.45 from `eval answers` on DSTC10
    /// and CLINC150 oos_test (docs/quality.md): off-topic questions answered fall from 16% to 3.5%.
    /// </summary>
    public double MinPassageScore { get; init; } = 0.45;

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

    public Answer Answer(MessageUnderstanding understanding, IReadOnlyList<Passage> passages, bool escalating, bool personComing = false, string? question = null)
    {
        if (escalating)
        {
            return Reply(Replies["human_handoff"], Math.Max(understanding.Confidence, 0.5), []);
        }

        // In retrieval's order: it ranks the source the conversation is about first, which the
        // passage's own confidence (its share of the question's words) knows nothing of.
        var best = passages.Where(p => p.Score >= MinPassageScore).ToList();
        if (Replies.TryGetValue(understanding.Intent, out var reply) && (best.Count == 0 || understanding.Confidence >= 0.8))
        {
            return Reply(reply, understanding.Confidence, []);
        }

        if (best.Count > 0)
        {
            var top = best[0];
            var citations = best.Take(3).Select(Cite).ToList();
            return Reply(Summarise(top.Text, top.Title, question), top.Score, citations);
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

    public static CitationView Cite(Passage p) => CitationView.Of(p);

    /// <summary>
    /// The passage's sentences that answer the question: those sharing most of its words (at most
    /// two, in the passage's order), never a sentence that restates the FAQ's question or its title;
    /// the opening sentences when none shares a word. Never more than ~600 characters.
    /// </summary>
    internal static string Summarise(string text, string? title = null, string? question = null)
    {
        var sentences = Sentences(text).Where(s => !Restates(s, title)).ToList();
        if (sentences.Count == 0)
        {
            sentences = Sentences(text);
        }

        var terms = question is null ? [] : TextAnalysis.QueryTerms(question);
        var scored = sentences.Select((s, i) => (Index: i, Score: terms.Count == 0 ? 0 : TextAnalysis.Coverage(terms, s))).ToList();
        var chosen = scored.Max(s => s.Score) > 0
            ? scored.OrderByDescending(s => s.Score).ThenBy(s => s.Index).Take(2).Where(s => s.Score > 0).OrderBy(s => s.Index).Select(s => sentences[s.Index])
            : sentences.Take(3);
        var answer = string.Join(" ", chosen).Trim();
        if (answer.Length > 0 && !answer.EndsWith('.') && !answer.EndsWith('?') && !answer.EndsWith('!'))
        {
            answer += ".";
        }

        return answer.Length <= 600 ? answer : answer[..597].ToString(CultureInfo.InvariantCulture) + "...";
    }

    private static List<string> Sentences(string text)
        => System.Text.RegularExpressions.Regex.Split(text.Trim(), @"(?<=[.!?])\s+|\n+")
            .Select(s => s.Trim()).Where(s => s.Length > 0).ToList();

    /// <summary>A question sentence, or one that is the title's words again (the FAQ's question or a heading).</summary>
    private static bool Restates(string sentence, string? title)
    {
        if (sentence.EndsWith('?'))
        {
            return true;
        }

        if (string.IsNullOrWhiteSpace(title))
        {
            return false;
        }

        var words = TextAnalysis.Words(sentence);
        var heading = TextAnalysis.Words(title);
        return words.Count > 0 && words.Count <= heading.Count + 1 && words.All(heading.Contains);
    }
}
