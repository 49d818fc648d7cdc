using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Parley.Server.ConversationModel;
using Parley.Server.Conversations;
using Parley.Server.Storage;
using Parley.Server.Tasks;

namespace Parley.Server.Analytics;

/// <summary>
/// The Three-Database Chatbot's <c>/analytics/stats</c> and <c>/analytics/usage</c> for a plain user: the same figures
/// over the caller's own conversations and tasks (<c>"scope": "own"</c>), per the roles rule (a
/// user sees their own slice; agents and admins the tenant). Read from the user's conversations and
/// messages, since the hourly rollups are per tenant. API calls are counted per tenant only, so a
/// user's <c>api_calls</c> are null rather than the tenant's.
/// </summary>
internal static class OwnStats
{
    public static async Task<GlobalStats> GlobalAsync(ParleyDb db, Guid userId, AnalyticsScope scope, CancellationToken cancellationToken)
    {
        var mine = db.Conversations.Where(c => c.UserId == userId).Select(c => c.Id);
        var sessions = await db.Conversations.AsNoTracking().LongCountAsync(c => c.UserId == userId && c.CreatedAt >= scope.Start && c.CreatedAt < scope.End, cancellationToken);
        var messages = db.Messages.AsNoTracking().Where(m => mine.Contains(m.ConversationId) && m.CreatedAt >= scope.Start && m.CreatedAt < scope.End);
        var total = await messages.LongCountAsync(cancellationToken);
        var bot = await messages.LongCountAsync(m => m.MessageType == MessageTypes.Bot, cancellationToken);
        var cached = await messages.LongCountAsync(m => m.MessageType == MessageTypes.Bot && m.Cached, cancellationToken);
        return new GlobalStats(1, sessions, total, Totals.Rate(cached, bot), "own");
    }

    public static async Task<List<UsageDay>> DailyAsync(ParleyDb db, Guid userId, DateTime start, IReadOnlyList<string> days, CancellationToken cancellationToken)
    {
        var mine = db.Conversations.Where(c => c.UserId == userId).Select(c => c.Id);
        var started = await db.Conversations.AsNoTracking().Where(c => c.UserId == userId && c.CreatedAt >= start).Select(c => c.CreatedAt).ToListAsync(cancellationToken);
        var messages = await db.Messages.AsNoTracking().Where(m => mine.Contains(m.ConversationId) && m.CreatedAt >= start)
            .Select(m => new { m.CreatedAt, m.MessageType }).ToListAsync(cancellationToken);
        var tasks = await db.Set<BackgroundTask>().AsNoTracking().Where(t => t.UserId == userId && t.CreatedAt >= start).Select(t => t.CreatedAt).ToListAsync(cancellationToken);

        static string Day(DateTime at) => at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return days.Select(d => new UsageDay(d,
            started.LongCount(at => Day(at) == d),
            messages.LongCount(m => Day(m.CreatedAt) == d),
            messages.LongCount(m => Day(m.CreatedAt) == d && m.MessageType == MessageTypes.User),
            tasks.LongCount(at => Day(at) == d),
            null)).ToList();
    }
}
