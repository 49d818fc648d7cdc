using System.ComponentModel.DataAnnotations;
using Parley.Server.Understanding;

namespace Parley.Server.Conversations;

public sealed class ConversationOptions
{
    public const string Section = "Parley:Conversations";

    /// <summary>Answers below this confidence count as "low confidence" for escalation.</summary>
    [Range(0, 1)] public double LowConfidence { get; set; } = 0.45;

    /// <summary>Consecutive low-confidence answers after which a person is offered.</summary>
    [Range(1, 20)] public int LowConfidenceTurnsBeforeEscalation { get; set; } = 2;

    /// <summary>A complaint escalates when its sentiment is at or below this (-1..1).</summary>
    [Range(-1, 1)] public double ComplaintSentimentThreshold { get; set; } = -0.3;
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

    /// <summary>Decided from the answer: the bot has not known what to say several turns running.</summary>
    public static bool AfterAnswer(Conversation conversation, int lowConfidenceStreak, ConversationOptions options)
        => conversation.Status != ConversationStatus.Escalated && lowConfidenceStreak >= options.LowConfidenceTurnsBeforeEscalation;
}
