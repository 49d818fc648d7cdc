using Microsoft.EntityFrameworkCore;
using Parley.Server.ConversationModel;
using Parley.Server.Conversations;
using Parley.Server.Storage;

namespace Parley.Server.Analytics;

/// <summary>
/// The Customer Care AI document's <c>GET /analytics/conversations</c> for a plain user: the same figures over the
/// caller's own conversations (<c>"scope": "own"</c>). The hourly rollups are per tenant, so these are
/// read from the user's conversations and messages, which the (user_id) index keeps small.
/// </summary>
internal static class OwnConversationAnalytics
{
    public static async Task<ConversationAnalytics> ComputeAsync(ParleyDb db, Guid userId, AnalyticsScope scope, string timeframe, CancellationToken cancellationToken)
    {
        var conversations = db.Conversations.AsNoTracking().Where(c => c.UserId == userId && c.CreatedAt >= scope.Start && c.CreatedAt < scope.End);
        var mine = db.Conversations.Where(c => c.UserId == userId).Select(c => c.Id);
        var messages = db.Messages.AsNoTracking().Where(m => mine.Contains(m.ConversationId) && m.CreatedAt >= scope.Start && m.CreatedAt < scope.End);

        var started = await conversations.Select(c => c.CreatedAt).ToListAsync(cancellationToken);
        var messageCount = await messages.LongCountAsync(cancellationToken);
        var intents = (await messages.Where(m => m.MessageType == MessageTypes.User && m.Intent != null)
                .GroupBy(m => m.Intent!).Select(g => new { Intent = g.Key, Count = g.LongCount() }).ToListAsync(cancellationToken))
            .OrderByDescending(i => i.Count).ThenBy(i => i.Intent, StringComparer.Ordinal).Take(20)
            .Select(i => new IntentCount(i.Intent, i.Count)).ToList();
        var series = started
            .Select(at => DateTime.SpecifyKind(new DateTime(at.Year, at.Month, at.Day, at.Hour, 0, 0), DateTimeKind.Utc))
            .GroupBy(hour => AnalyticsApi.Bucket(hour, timeframe)).OrderBy(g => g.Key)
            .Select(g => new TimePoint(g.Key, g.LongCount())).ToList();
        var total = started.Count;
        return new ConversationAnalytics(total, total > 0 ? 1 : 0, total == 0 ? 0 : Math.Round((double)messageCount / total, 2), intents, series,
            timeframe, scope.Start, scope.End, "own");
    }
}
