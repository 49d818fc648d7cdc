using System.ComponentModel.DataAnnotations;
using Parley.Server.ConversationModel;
using Parley.Server.Understanding;

namespace Parley.Server.Conversations;

public sealed class ConversationOptions
{
    public const string Section = "Parley:Conversations";

    /// <summary>Answers below this confidence count as "low confidence" for escalation.</summary>
    [Range(0, 1)] public double LowConfidence { get; set; } = 0.45;

    /// <summary>Consecutive low-confidence answers after which a person is offered (or, with <see cref="LowConfidenceAction"/> escalate, called in).</summary>
    [Range(1, 20)] public int LowConfidenceTurnsBeforeEscalation { get; set; } = 2;

    /// <summary>
    /// What repeated low confidence does: <c>offer</c> (the default) says so and tells the customer how
    /// to ask for a person, and the bot keeps answering; <c>escalate</c> hands the conversation to the
    /// agents' queue at once (opens a ticket). See docs/decisions/0019-low-confidence-offers-a-person.md.
    /// </summary>
    [RegularExpression("^(offer|escalate)$", ErrorMessage = "LowConfidenceAction is offer or escalate.")]
    public string LowConfidenceAction { get; set; } = LowConfidenceActions.Offer;

    /// <summary>
    /// The built-in engine answers from a passage only when its retrieval confidence is at least this;
    /// below it, it says it is not sure and offers a person. Set below what DSTC10 alone fits (0.91:
    /// there nearly every right answer is of the entity under discussion) so a knowledge base without
    /// entity names (a refund policy) can answer; docs/quality.md has the cost.
    /// </summary>
    [Range(0, 1)] public double AnswerThreshold { get; set; } = 0.6;

    /// <summary>
    /// The same for a passage of the source the conversation is about (named in this message or an
    /// earlier one, by the customer or an agent): entity and words agree, so less lexical evidence is needed.
    /// 0.29: chosen by 5-fold cross-validation in <c>eval answers</c> with <see cref="AnswerThreshold"/> at its default
    /// (folds chose 0.26-0.32; docs/quality.md), once a message had to name most of a source for it to count as the
    /// context (<see cref="Knowledge.SourceNames.MinCoverageInMessage"/>): the evidence of such a passage is at least its
    /// spelling-tolerant similarity.
    /// </summary>
    [Range(0, 1)] public double AnswerThresholdInContext { get; set; } = 0.29;

    /// <summary>
    /// The same when the passage's similarity to the turn is known (built-in embeddings, the default): the passage
    /// then needs this score and <see cref="AnswerMinSimilarityInContext"/>. 0.16 and 0.35: fitted together by
    /// <c>eval answers</c> with <see cref="AnswerThreshold"/> at its default (5-fold cross-validation, docs/quality.md).
    /// </summary>
    [Range(0, 1)] public double AnswerThresholdInContextWithSimilarity { get; set; } = 0.16;

    /// <summary>The cosine similarity (built-in sentence encoder) between the turn and such a passage that an answer needs.</summary>
    [Range(-1, 1)] public double AnswerMinSimilarityInContext { get; set; } = 0.35;

    /// <summary>A complaint escalates when its sentiment is at or below this (-1..1).</summary>
    [Range(-1, 1)] public double ComplaintSentimentThreshold { get; set; } = -0.3;
}

public static class LowConfidenceActions
{
    public const string Offer = "offer";
    public const string Escalate = "escalate";
}

/// <summary>
/// When a person should take over: the customer asks for one, a complaint is angry, or the bot
/// keeps not knowing.
/// </summary>
public static class EscalationPolicy
{
    public const string CustomerRequested = "customer_requested_human";

    public static bool AsksForPerson(MessageUnderstanding understanding) => understanding.Intent == "human_handoff" && understanding.Confidence >= 0.4;

    /// <summary>Decided from the message alone: the customer asks for a person, or complains angrily.</summary>
    public static (bool Escalate, string? Reason) BeforeAnswer(Conversation conversation, MessageUnderstanding understanding, ConversationOptions options)
    {
        if (conversation.Status == ConversationStatus.Escalated)
        {
            return (false, null);
        }

        if (AsksForPerson(understanding))
        {
            return (true, CustomerRequested);
        }

        return understanding.Intent == "complaint" && understanding.Sentiment <= options.ComplaintSentimentThreshold
            ? (true, "complaint_with_negative_sentiment")
            : (false, null);
    }

    /// <summary>Decided from the answer: the bot has not known what to say several turns running (a person is then offered or called in).</summary>
    public static bool AfterAnswer(Conversation conversation, int lowConfidenceStreak, ConversationOptions options)
        => conversation.Status != ConversationStatus.Escalated && lowConfidenceStreak >= options.LowConfidenceTurnsBeforeEscalation;
}
