using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Analytics;
using Parley.Server.ConversationModel;
using Parley.Server.Conversations;
using Parley.Server.Storage;

namespace Parley.Server.Tasks.Analysis;

/// <summary>Figures over the tenant's conversations, messages, intents, escalations and feedback in a window.</summary>
public sealed class ConversationFigures(ParleyDb db, TimeProvider clock)
{
    /// <param name="userId">Only this user's conversations (what a plain user may analyse); null for the whole tenant.</param>
    public async Task<Figures> ComputeAsync(JsonElement parameters, Guid? userId, CancellationToken cancellationToken)
    {
        var (start, end) = Fmt.Window(parameters, clock.GetUtcNow().UtcDateTime);
        var owned = userId is null ? db.Conversations.AsNoTracking() : db.Conversations.AsNoTracking().Where(c => c.UserId == userId);
        var conversations = owned.Where(c => c.CreatedAt >= start && c.CreatedAt < end);
        var messages = db.Messages.AsNoTracking().Where(m => m.CreatedAt >= start && m.CreatedAt < end);
        var ratings = db.MessageFeedback.AsNoTracking().Where(f => f.CreatedAt >= start && f.CreatedAt < end);
        if (userId is not null)
        {
            messages = messages.Where(m => owned.Any(c => c.Id == m.ConversationId));
            ratings = ratings.Where(f => owned.Any(c => c.Id == f.ConversationId));
        }

        var total = await conversations.LongCountAsync(cancellationToken);
        var escalated = await conversations.Where(Definitions.Escalated(db)).LongCountAsync(cancellationToken);
        var ended = await conversations.LongCountAsync(c => c.Status == ConversationStatus.Ended, cancellationToken);
        var deflected = await conversations.Where(c => c.Status == ConversationStatus.Ended).Where(Definitions.NotEscalated(db)).LongCountAsync(cancellationToken);
        var byType = await messages.GroupBy(m => m.MessageType).Select(g => new { g.Key, Count = g.LongCount() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var byChannel = await conversations.GroupBy(c => c.Channel).Select(g => new { g.Key, Count = g.LongCount() }).OrderByDescending(g => g.Count).ToListAsync(cancellationToken);
        var bot = messages.Where(m => m.MessageType == MessageTypes.Bot && m.ResponseTimeMs != null);
        var avgResponseMs = await bot.AverageAsync(m => m.ResponseTimeMs, cancellationToken);
        var intents = await messages.Where(m => m.MessageType == MessageTypes.User && m.Intent != null)
            .GroupBy(m => m.Intent!).Select(g => new { Intent = g.Key, Count = g.LongCount(), Confidence = g.Average(m => m.Confidence) })
            .OrderByDescending(g => g.Count).Take(10).ToListAsync(cancellationToken);
        var userMessages = byType.GetValueOrDefault(MessageTypes.User);
        var lowConfidence = await messages.LongCountAsync(m => m.MessageType == MessageTypes.User && m.Confidence < 0.5, cancellationToken);
        var feedback = await ratings
            .GroupBy(_ => 1).Select(g => new { Count = g.LongCount(), Average = g.Average(f => (double)f.Rating), Positive = g.LongCount(f => f.Rating >= 4), Negative = g.LongCount(f => f.Rating <= 2) })
            .FirstOrDefaultAsync(cancellationToken);
        var daily = await conversations.GroupBy(c => new { c.CreatedAt.Year, c.CreatedAt.Month, c.CreatedAt.Day })
            .Select(g => new { g.Key.Year, g.Key.Month, g.Key.Day, Count = g.LongCount() }).ToListAsync(cancellationToken);
        var series = daily.Select(d => new { date = new DateOnly(d.Year, d.Month, d.Day).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), count = d.Count })
            .OrderBy(d => d.date, StringComparer.Ordinal).ToList();
        var middle = start + (end - start) / 2;
        var firstHalf = await conversations.LongCountAsync(c => c.CreatedAt < middle, cancellationToken);
        var secondHalf = total - firstHalf;

        var q = new Dictionary<string, object?>
        {
            ["period_start"] = start,
            ["period_end"] = end,
            ["scope"] = userId is null ? "tenant" : "own",
            ["total_conversations"] = total,
            ["total_messages"] = byType.Values.Sum(),
            ["messages_by_type"] = byType,
            ["messages_per_conversation"] = total == 0 ? 0 : Math.Round((double)byType.Values.Sum() / total, 2),
            ["escalated_conversations"] = escalated,
            ["escalation_rate"] = Fmt.Rate(escalated, total),
            ["ended_conversations"] = ended,
            ["deflection_rate"] = Fmt.Rate(deflected, ended),
            ["average_response_time_ms"] = avgResponseMs is { } ms ? Math.Round(ms, 1) : null,
            ["low_confidence_rate"] = Fmt.Rate(lowConfidence, userMessages),
            ["feedback_count"] = feedback?.Count ?? 0,
            ["average_rating"] = feedback is null ? null : Math.Round(feedback.Average, 2),
            ["positive_feedback_rate"] = Fmt.Rate(feedback?.Positive ?? 0, feedback?.Count ?? 0),
            ["top_intents"] = intents.Select(i => new { intent = i.Intent, count = i.Count, share = Fmt.Rate(i.Count, userMessages), average_confidence = i.Confidence is { } c ? Math.Round(c, 3) : (double?)null }).ToList(),
            ["channels"] = byChannel.Select(c => new { channel = c.Key, count = c.Count }).ToList(),
            ["time_series"] = series,
        };

        var insights = new List<string>();
        var recommendations = new List<string>();
        var days = Math.Max(1, (end - start).TotalDays);
        if (total == 0)
        {
            insights.Add($"No conversations were started between {start:yyyy-MM-dd} and {end:yyyy-MM-dd}.");
            recommendations.Add("Widen the window (parameters.days or start_date/end_date) or check that customers can reach the chat.");
            return new Figures($"No conversation activity in the {Fmt.Num(Math.Round(days))}-day window.", q, insights, recommendations);
        }

        insights.Add($"{Fmt.Num(total)} conversations ({Fmt.Num(Math.Round(total / days, 1))} a day) with {Fmt.Num(byType.Values.Sum())} messages, {q["messages_per_conversation"]} per conversation.");
        if (firstHalf > 0 && secondHalf != firstHalf)
        {
            var change = (double)(secondHalf - firstHalf) / firstHalf;
            insights.Add($"Volume {(change > 0 ? "rose" : "fell")} {Fmt.Pct(Math.Abs(change))} from the first half of the window ({Fmt.Num(firstHalf)}) to the second ({Fmt.Num(secondHalf)}).");
        }

        insights.Add($"{Fmt.Pct(Fmt.Rate(escalated, total))} of conversations ({Fmt.Num(escalated)}) needed a human; {Fmt.Pct(Fmt.Rate(deflected, ended))} of the {Fmt.Num(ended)} ended ones closed without one.");
        if (intents.Count > 0)
        {
            var top = intents[0];
            insights.Add($"The most frequent intent is '{top.Intent}' with {Fmt.Num(top.Count)} messages ({Fmt.Pct(Fmt.Rate(top.Count, userMessages))} of customer messages).");
        }

        if (avgResponseMs is { } average)
        {
            insights.Add($"The assistant answered in {Fmt.Num(Math.Round(average))} ms on average.");
        }

        if (feedback is { Count: > 0 })
        {
            insights.Add($"{Fmt.Num(feedback.Count)} ratings average {feedback.Average:0.00}/5; {Fmt.Pct(Fmt.Rate(feedback.Positive, feedback.Count))} are 4 or 5 and {Fmt.Pct(Fmt.Rate(feedback.Negative, feedback.Count))} are 1 or 2.");
        }
        else
        {
            recommendations.Add($"No message ratings were left in the window: ask customers to rate answers so satisfaction can be measured for the {Fmt.Num(total)} conversations.");
        }

        var rate = Fmt.Rate(escalated, total);
        var weakest = intents.Where(i => i.Count >= 3 && i.Confidence is not null).OrderBy(i => i.Confidence).FirstOrDefault();
        if (rate >= 0.2)
        {
            recommendations.Add($"Escalation rate is {Fmt.Pct(rate)}: add knowledge for the intents customers ask about most{(intents.Count > 0 ? $" (starting with '{intents[0].Intent}')" : string.Empty)} to let the assistant resolve more on its own.");
        }

        if (weakest is not null && weakest.Confidence < 0.6)
        {
            recommendations.Add($"'{weakest.Intent}' is recognised with {weakest.Confidence:0.00} average confidence over {Fmt.Num(weakest.Count)} messages: add training examples or answers for it.");
        }

        if (Fmt.Rate(lowConfidence, userMessages) >= 0.25)
        {
            recommendations.Add($"{Fmt.Pct(Fmt.Rate(lowConfidence, userMessages))} of customer messages were understood with confidence below 0.5: review them for missing intents.");
        }

        if (avgResponseMs > 2000)
        {
            recommendations.Add($"Average answer time is {Fmt.Num(Math.Round(avgResponseMs.Value))} ms: enable the response cache or a faster model.");
        }

        if (feedback is { Count: > 0 } && feedback.Average < 3.5)
        {
            recommendations.Add($"Satisfaction averages {feedback.Average:0.00}/5: read the {Fmt.Num(feedback.Negative)} low ratings for recurring causes.");
        }

        if (recommendations.Count == 0)
        {
            recommendations.Add($"Keep the current setup: escalation ({Fmt.Pct(rate)}) and answer confidence are within healthy ranges; re-run this analysis as volume grows.");
        }

        return new Figures($"{Fmt.Num(total)} conversations from {start:yyyy-MM-dd} to {end:yyyy-MM-dd}: escalation {Fmt.Pct(rate)}, deflection {Fmt.Pct(Fmt.Rate(deflected, ended))}.", q, insights, recommendations);
    }
}
