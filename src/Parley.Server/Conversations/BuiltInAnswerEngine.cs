using System.Globalization;
using Parley.Server.ConversationModel;
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
    public const string EngineName = ConversationModel.Answer.BuiltInEngine;

    /// <summary>
    /// A passage must score at least this to be used as an answer
    /// (<see cref="ConversationOptions.AnswerThreshold"/>, chosen by cross-validation in `eval answers`).
    /// </summary>
    public double MinPassageScore { get; init; } = 0.6;

    /// <summary>The same for a passage of the source the conversation is about (<see cref="ConversationOptions.AnswerThresholdInContext"/>).</summary>
    public double MinPassageScoreInContext { get; init; } = 0.29;

    /// <summary>
    /// For a passage of the source the conversation is about whose similarity to the turn is known (the built-in
    /// sentence encoder): it answers when its score is at least this and its similarity at least
    /// <see cref="MinSimilarityInContext"/> (<see cref="ConversationOptions.AnswerThresholdInContextWithSimilarity"/>).
    /// </summary>
    public double MinPassageScoreInContextWithSimilarity { get; init; } = 0.16;

    /// <summary>The similarity (cosine, built-in encoder) such a passage needs (<see cref="ConversationOptions.AnswerMinSimilarityInContext"/>).</summary>
    public double MinSimilarityInContext { get; init; } = 0.35;

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

    /// <summary>How a customer asks for a person; "talk to a person" is read as that request.</summary>
    public const string PersonOffer = "If you'd like a member of our support team to help, just say \"talk to a person\".";

    /// <summary>Said when the bot has not known the answer several times running and the tenant lets the customer decide.</summary>
    public const string UncertainOffer = "I'm sorry, I still don't have a good answer to that. " + PersonOffer;

    /// <summary>Whether the conversation already waits for (or is with) a person: the bot then stops offering one.</summary>
    public static bool PersonComing(Conversation conversation) => conversation.Status == ConversationStatus.Escalated;

    public Answer Answer(MessageUnderstanding understanding, IReadOnlyList<Passage> passages, bool escalating, bool personComing = false, string? question = null)
    {
        if (escalating)
        {
            return Reply(Replies["human_handoff"], Math.Max(understanding.Confidence, 0.5), []);
        }

        // The passages found (up to five, answered from or not) go in the answer's metadata: an agent
        // reading the conversation sees what the bot had, and `eval answers` calibrates the thresholds on them.
        var asks = AskTerms(question);
        var found = passages.Take(5).Select(p => p with { Score = Evidence(p, asks) }).ToList();
        // Only retrieval's first passage can be the answer: it ranks the source the conversation is about
        // first, and a later passage scoring higher is another hotel's or product's that shares the
        // question's words (answering from it was most of the wrong answers in `eval answers`).
        var best = found.Count > 0 && Answers(found[0])
            ? found.Where(Answers).ToList()
            : [];
        if (Replies.TryGetValue(understanding.Intent, out var reply) && (best.Count == 0 || understanding.Confidence >= 0.8))
        {
            return Reply(reply, understanding.Confidence, [], found);
        }

        if (best.Count > 0)
        {
            var top = best[0];
            var citations = best.Take(3).Select(Cite).ToList();
            return Reply(Summarise(top.Text, top.Title, question), top.Score, citations, found);
        }

        return Reply(
            personComing
                ? "I'm not sure I have the right answer to that. A member of our support team will join this conversation shortly."
                : "I'm not sure I have the right answer to that. Could you tell me a bit more about what you need? If you prefer, I can connect you with a person.",
            Math.Min(understanding.Confidence, 0.3),
            [],
            found);
    }

    /// <summary>Words that carry no topic in a question ("can I still get ...", "is it possible to ...").</summary>
    private static readonly HashSet<string> GenericWords = new(StringComparer.Ordinal)
    {
        "still", "get", "got", "getting", "possible", "able", "way", "something", "anything", "ask", "question", "help", "go", "make",
    };

    /// <summary>
    /// The topic words of what a message asks when it also tells: customers give the circumstances and
    /// then the question ("I bought a jacket 3 weeks ago. Can I still get a refund?"). The question
    /// sentences are what a passage must answer; the circumstances helped retrieval find it but are
    /// not words a policy repeats. Empty for a message that is one sentence, or all questions.
    /// </summary>
    internal static List<string[]> AskTerms(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return [];
        }

        var sentences = Sentences(message);
        var asks = sentences.Where(s => s.EndsWith('?')).ToList();
        return sentences.Count < 2 || asks.Count == 0 || asks.Count == sentences.Count
            ? []
            : TextAnalysis.QueryTerms(string.Join(' ', asks)).Where(t => t.Length > 1 || !GenericWords.Contains(t[0])).ToList();
    }

    /// <summary>
    /// How well the passage answers: its retrieval confidence, or, when the message tells and then asks,
    /// the share of the question's topic words it holds at the weakest lexical strength (0.6), if higher.
    /// </summary>
    /// <summary>
    /// Whether the passage answers: of the source the conversation is about, a low lexical bar and, when the turn's
    /// similarity to it is known, a semantic one (a turn about the same hotel that asks for something no passage
    /// holds, "send me their zip code", shares the entity but not the meaning); any other passage, a high lexical bar.
    /// </summary>
    private bool Answers(Passage passage) => passage switch
    {
        { InNamedSource: true, Similarity: { } similarity } => passage.Score >= MinPassageScoreInContextWithSimilarity && similarity >= MinSimilarityInContext,
        { InNamedSource: true } => passage.Score >= MinPassageScoreInContext,
        _ => passage.Score >= MinPassageScore,
    };

    private static double Evidence(Passage passage, List<string[]> asks)
        => asks.Count == 0 ? passage.Score : Math.Max(passage.Score, Math.Round(0.6 * TextAnalysis.Coverage(asks, passage.Title + " " + passage.Text), 4));

    private static Answer Reply(string text, double confidence, IReadOnlyList<CitationView> citations, List<Passage>? nearest = null)
    {
        var metadata = new Dictionary<string, object?> { ["engine"] = EngineName };
        if (nearest is { Count: > 0 })
        {
            metadata["retrieval"] = nearest.Select(p => new Dictionary<string, object?>
            {
                ["source_id"] = p.SourceId.ToString(),
                ["title"] = p.Title,
                ["score"] = Math.Round(p.Score, 4),
                ["in_context"] = p.InNamedSource,
                ["similarity"] = p.Similarity is { } similarity ? Math.Round(similarity, 4) : null,
            }).ToList();
        }

        return new(text, Math.Round(confidence, 4), citations, EngineName, 0, metadata);
    }

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
