using Microsoft.EntityFrameworkCore;
using Parley.Server.ConversationModel;
using Parley.Server.Conversations;
using Parley.Server.Storage;

namespace Parley.Server.Analytics;

/// <summary>
/// Recomputes one tenant's rollups over the whole days [from, to) from the raw rows with a dozen
/// grouped queries (each one pass over the range, never per conversation from the application),
/// then replaces the range's rollup rows in one transaction. Idempotent. The caller's context acts
/// as the tenant, so every raw query is filtered to it.
/// </summary>
internal static class RollupRecompute
{
    // Conversation ids per query when looking up handled conversations' customer messages and ratings.
    private const int IdBatch = 500;

    public static async Task RunAsync(ParleyDb db, Guid tenantId, DateTime from, DateTime to, long lockKey, CancellationToken cancellationToken)
    {
        var hours = new Dictionary<DateTime, AnalyticsHour>();
        AnalyticsHour Hour(int y, int m, int d, int h)
        {
            var key = new DateTime(y, m, d, h, 0, 0, DateTimeKind.Utc);
            return hours.TryGetValue(key, out var row) ? row : hours[key] = new AnalyticsHour { TenantId = tenantId, HourStart = key };
        }

        // The tenant is also named explicitly: IgnoreQueryFilters (below) lifts the filter from a whole query.
        var messages = db.Messages.AsNoTracking().Where(m => m.TenantId == tenantId && m.CreatedAt >= from && m.CreatedAt < to);
        var conversations = db.Conversations.AsNoTracking().Where(c => c.TenantId == tenantId && c.CreatedAt >= from && c.CreatedAt < to);

        foreach (var g in await messages.GroupBy(m => new { m.CreatedAt.Year, m.CreatedAt.Month, m.CreatedAt.Day, m.CreatedAt.Hour, m.MessageType }).Select(g => new
        {
            g.Key,
            Count = g.LongCount(),
            Cached = g.LongCount(m => m.Cached),
            Timed = g.LongCount(m => m.ResponseTimeMs != null),
            TimeSum = g.Sum(m => m.ResponseTimeMs ?? 0),
            Tokens = g.Sum(m => (long)m.TokensUsed),
        }).ToListAsync(cancellationToken))
        {
            var row = Hour(g.Key.Year, g.Key.Month, g.Key.Day, g.Key.Hour);
            switch (g.Key.MessageType)
            {
                case MessageTypes.User: row.UserMessages += g.Count; break;
                case MessageTypes.Bot: row.BotMessages += g.Count; row.CachedBotMessages += g.Cached; row.ResponseTimeCount += g.Timed; row.ResponseTimeSumMs += g.TimeSum; break;
                case MessageTypes.Agent: row.AgentMessages += g.Count; break;
            }

            row.TokensUsed += g.Tokens;
        }

        foreach (var g in await conversations.GroupBy(c => new { c.CreatedAt.Year, c.CreatedAt.Month, c.CreatedAt.Day, c.CreatedAt.Hour, c.Status })
            .Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(cancellationToken))
        {
            var row = Hour(g.Key.Year, g.Key.Month, g.Key.Day, g.Key.Hour);
            row.ConversationsStarted += g.Count;
            if (g.Key.Status == ConversationStatus.Ended)
            {
                row.ConversationsEnded += g.Count;
                row.ConversationsDeflected += g.Count;
            }
        }

        // Deflected = ended minus ended-and-escalated, so the escalation test runs once per conversation.
        foreach (var g in await conversations.Where(Definitions.Escalated(db)).GroupBy(c => new { c.CreatedAt.Year, c.CreatedAt.Month, c.CreatedAt.Day, c.CreatedAt.Hour, c.Status })
            .Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(cancellationToken))
        {
            var row = Hour(g.Key.Year, g.Key.Month, g.Key.Day, g.Key.Hour);
            row.ConversationsEscalated += g.Count;
            if (g.Key.Status == ConversationStatus.Ended)
            {
                row.ConversationsDeflected -= g.Count;
            }
        }

        foreach (var g in await db.MessageFeedback.AsNoTracking().Where(f => f.CreatedAt >= from && f.CreatedAt < to)
            .GroupBy(f => new { f.CreatedAt.Year, f.CreatedAt.Month, f.CreatedAt.Day, f.CreatedAt.Hour })
            .Select(g => new { g.Key, Count = g.LongCount(), Sum = g.Sum(f => (long)f.Rating) }).ToListAsync(cancellationToken))
        {
            var row = Hour(g.Key.Year, g.Key.Month, g.Key.Day, g.Key.Hour);
            row.FeedbackCount = g.Count;
            row.FeedbackRatingSum = g.Sum;
        }

        var intents = (await messages.Where(m => m.MessageType == MessageTypes.User && m.Intent != null)
            .GroupBy(m => new { m.CreatedAt.Year, m.CreatedAt.Month, m.CreatedAt.Day, Intent = m.Intent! })
            .Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(cancellationToken))
            .Select(g => new DailyIntent { TenantId = tenantId, Day = Day(g.Key.Year, g.Key.Month, g.Key.Day), Intent = g.Key.Intent, Count = g.Count }).ToList();
        var users = await UsersAsync(db, tenantId, messages, conversations, cancellationToken);
        var agents = await AgentsAsync(db, tenantId, messages, conversations, cancellationToken);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({lockKey})", cancellationToken);
        }

        await db.Set<AnalyticsHour>().Where(h => h.TenantId == tenantId && h.HourStart >= from && h.HourStart < to).ExecuteDeleteAsync(cancellationToken);
        await db.Set<DailyIntent>().Where(i => i.TenantId == tenantId && i.Day >= from && i.Day < to).ExecuteDeleteAsync(cancellationToken);
        await db.Set<DailyUser>().Where(u => u.TenantId == tenantId && u.Day >= from && u.Day < to).ExecuteDeleteAsync(cancellationToken);
        await db.Set<DailyAgent>().Where(a => a.TenantId == tenantId && a.Day >= from && a.Day < to).ExecuteDeleteAsync(cancellationToken);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        db.Set<AnalyticsHour>().AddRange(hours.Values);
        db.Set<DailyIntent>().AddRange(intents);
        db.Set<DailyUser>().AddRange(users);
        db.Set<DailyAgent>().AddRange(agents);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    private static DateTime Day(int year, int month, int day) => new(year, month, day, 0, 0, 0, DateTimeKind.Utc);

    private static async Task<List<DailyUser>> UsersAsync(
        ParleyDb db, Guid tenantId, IQueryable<Message> messages, IQueryable<Conversation> conversations, CancellationToken cancellationToken)
    {
        var users = new Dictionary<(DateTime, Guid), DailyUser>();
        DailyUser User(int y, int m, int d, Guid user)
            => users.TryGetValue((Day(y, m, d), user), out var row) ? row : users[(Day(y, m, d), user)] = new DailyUser { TenantId = tenantId, Day = Day(y, m, d), UserId = user };

        foreach (var g in await messages.Where(m => m.MessageType == MessageTypes.User && m.SenderId != null)
            .GroupBy(m => new { m.CreatedAt.Year, m.CreatedAt.Month, m.CreatedAt.Day, User = m.SenderId!.Value })
            .Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(cancellationToken))
        {
            User(g.Key.Year, g.Key.Month, g.Key.Day, g.Key.User).Messages = g.Count;
        }

        foreach (var g in await conversations.Where(c => c.UserId != null)
            .GroupBy(c => new { c.CreatedAt.Year, c.CreatedAt.Month, c.CreatedAt.Day, User = c.UserId!.Value })
            .Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(cancellationToken))
        {
            User(g.Key.Year, g.Key.Month, g.Key.Day, g.Key.User).ConversationsStarted = g.Count;
        }

        foreach (var g in await messages.Where(m => m.MessageType == MessageTypes.Bot && m.Cached)
            .Join(db.Conversations.Where(c => c.UserId != null), m => m.ConversationId, c => c.Id, (m, c) => new { m.CreatedAt, User = c.UserId!.Value })
            .GroupBy(x => new { x.CreatedAt.Year, x.CreatedAt.Month, x.CreatedAt.Day, x.User })
            .Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(cancellationToken))
        {
            User(g.Key.Year, g.Key.Month, g.Key.Day, g.Key.User).CachedAnswers = g.Count;
        }

        return users.Values.ToList();
    }

    /// <summary>
    /// Messages an agent sent each day, and per conversation created in the range and agent who
    /// wrote in it (at any time): first response, resolution and the conversation's ratings, added to
    /// the agent's row of the conversation's creation day.
    /// </summary>
    private static async Task<List<DailyAgent>> AgentsAsync(
        ParleyDb db, Guid tenantId, IQueryable<Message> messages, IQueryable<Conversation> conversations, CancellationToken cancellationToken)
    {
        var agents = new Dictionary<(DateTime, Guid), DailyAgent>();
        DailyAgent Agent(DateTime day, Guid agent)
            => agents.TryGetValue((day, agent), out var row) ? row : agents[(day, agent)] = new DailyAgent { TenantId = tenantId, Day = day, AgentId = agent };

        foreach (var g in await messages.Where(m => m.MessageType == MessageTypes.Agent && m.SenderId != null)
            .GroupBy(m => new { m.CreatedAt.Year, m.CreatedAt.Month, m.CreatedAt.Day, Agent = m.SenderId!.Value })
            .Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(cancellationToken))
        {
            Agent(Day(g.Key.Year, g.Key.Month, g.Key.Day), g.Key.Agent).MessagesSent = g.Count;
        }

        // Messages are reached from the tenant's conversations without the tenant filter of their own:
        // with it, SQLite (before it has statistics) prefers the (tenant, type, created) index to the
        // conversation index and walks every agent or customer message of the tenant per conversation.
        var inConversations = db.Messages.IgnoreQueryFilters().AsNoTracking();
        var handled = await conversations
            .Join(inConversations.Where(m => m.MessageType == MessageTypes.Agent && m.SenderId != null), c => c.Id, m => m.ConversationId,
                (c, m) => new { c.Id, c.CreatedAt, c.Status, c.EndedAt, Agent = m.SenderId!.Value, m.Sequence, MessageAt = m.CreatedAt })
            .GroupBy(x => new { x.Id, x.CreatedAt, x.Status, x.EndedAt, x.Agent })
            .Select(g => new { g.Key, FirstSequence = g.Min(x => x.Sequence), FirstAt = g.Min(x => x.MessageAt) })
            .ToListAsync(cancellationToken);
        var customer = new List<(Guid Conversation, int Sequence, DateTime At)>();
        var ratings = new Dictionary<Guid, (long Count, long Sum)>();
        foreach (var batch in handled.Select(h => h.Key.Id).Distinct().Chunk(IdBatch))
        {
            customer.AddRange((await inConversations.Where(m => batch.Contains(m.ConversationId) && m.MessageType == MessageTypes.User)
                .Select(m => new { m.ConversationId, m.Sequence, m.CreatedAt }).ToListAsync(cancellationToken)).Select(m => (m.ConversationId, m.Sequence, m.CreatedAt)));
            foreach (var r in await db.MessageFeedback.AsNoTracking().Where(f => batch.Contains(f.ConversationId)).GroupBy(f => f.ConversationId)
                .Select(g => new { g.Key, Count = g.LongCount(), Sum = g.Sum(f => (long)f.Rating) }).ToListAsync(cancellationToken))
            {
                ratings[r.Key] = (r.Count, r.Sum);
            }
        }

        var customerByConversation = customer.ToLookup(m => m.Conversation);
        foreach (var h in handled)
        {
            var row = Agent(DateTime.SpecifyKind(h.Key.CreatedAt.Date, DateTimeKind.Utc), h.Key.Agent);
            row.ConversationsHandled++;
            var asked = customerByConversation[h.Key.Id].Where(m => m.Sequence < h.FirstSequence).Select(m => (DateTime?)m.At).Max();
            if (asked is { } at)
            {
                row.FirstResponseCount++;
                row.FirstResponseSumSeconds += (h.FirstAt - at).TotalSeconds;
            }

            if (h.Key.Status == ConversationStatus.Ended && h.Key.EndedAt is { } ended)
            {
                row.ConversationsResolved++;
                row.ResolutionSumSeconds += (ended - h.Key.CreatedAt).TotalSeconds;
            }

            if (ratings.TryGetValue(h.Key.Id, out var r))
            {
                row.RatingsCount += r.Count;
                row.RatingSum += r.Sum;
            }
        }

        return agents.Values.ToList();
    }
}
