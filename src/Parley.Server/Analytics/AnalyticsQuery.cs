using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Storage;

namespace Parley.Server.Analytics;

/// <summary>Whose figures and which window a request asks for, parsed once for every analytics endpoint.</summary>
public sealed record AnalyticsScope(Guid? TenantId, DateTime Start, DateTime End)
{
    public bool PlatformWide => TenantId is null;

    /// <summary>
    /// <c>start_date</c>/<c>end_date</c> (ISO dates or date-times, UTC; default the last
    /// <paramref name="defaultDays"/> days) and <c>scope=platform</c> (platform admins only).
    /// </summary>
    public static (AnalyticsScope? Scope, ErrorResult? Error) Parse(HttpRequest request, CurrentUser me, DateTime now, int defaultDays)
    {
        var errors = new List<FieldError>();
        DateTime? Read(string name)
        {
            var raw = request.Query[name].ToString();
            if (raw.Length == 0)
            {
                return null;
            }

            if (DateTime.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var value))
            {
                return DateTime.SpecifyKind(value, DateTimeKind.Utc);
            }

            errors.Add(new FieldError(name, "An ISO 8601 date or date-time."));
            return null;
        }

        var end = Read("end_date") ?? now;
        var start = Read("start_date") ?? end.AddDays(-defaultDays);
        if (errors.Count == 0 && start >= end)
        {
            errors.Add(new FieldError("start_date", "Must be before end_date."));
        }

        if (errors.Count == 0 && end - start > TimeSpan.FromDays(36600))
        {
            errors.Add(new FieldError("start_date", "The window is limited to a hundred years."));
        }

        var scope = request.Query["scope"].ToString();
        if (scope is not ("" or "tenant" or "platform"))
        {
            errors.Add(new FieldError("scope", "tenant or platform."));
        }

        if (errors.Count > 0)
        {
            return (null, ErrorResult.InvalidQuery(errors));
        }

        if (scope == "platform" && !me.IsPlatformAdmin)
        {
            return (null, ErrorResult.Forbidden("Platform-wide analytics are for platform admins."));
        }

        return (new AnalyticsScope(scope == "platform" ? null : me.RequiredTenantId, start, end), null);
    }

    public IQueryable<AnalyticsHour> Hours(ParleyDb db)
    {
        var hourStart = new DateTime(Start.Year, Start.Month, Start.Day, Start.Hour, 0, 0, DateTimeKind.Utc);
        var rows = db.Set<AnalyticsHour>().AsNoTracking().Where(h => h.HourStart >= hourStart && h.HourStart < End);
        return TenantId is { } tenant ? rows.Where(h => h.TenantId == tenant) : rows;
    }

    public IQueryable<DailyIntent> Intents(ParleyDb db)
    {
        var rows = db.Set<DailyIntent>().AsNoTracking().Where(i => i.Day >= Start.Date && i.Day < End);
        return TenantId is { } tenant ? rows.Where(i => i.TenantId == tenant) : rows;
    }

    /// <summary>Users who sent customer messages on the days the window touches (one row per user and day).</summary>
    public IQueryable<DailyUser> ActiveUsers(ParleyDb db)
    {
        var rows = db.Set<DailyUser>().AsNoTracking().Where(u => u.Day >= Start.Date && u.Day < End && u.Messages > 0);
        return TenantId is { } tenant ? rows.Where(u => u.TenantId == tenant) : rows;
    }

    public IQueryable<DailyAgent> Agents(ParleyDb db)
    {
        var rows = db.Set<DailyAgent>().AsNoTracking().Where(a => a.Day >= Start.Date && a.Day < End);
        return TenantId is { } tenant ? rows.Where(a => a.TenantId == tenant) : rows;
    }

    public static async Task<Totals> TotalsAsync(IQueryable<AnalyticsHour> hours, CancellationToken cancellationToken)
        => await hours.GroupBy(_ => 1).Select(g => new Totals(
            g.Sum(h => h.ConversationsStarted), g.Sum(h => h.ConversationsEscalated), g.Sum(h => h.ConversationsEnded), g.Sum(h => h.ConversationsDeflected),
            g.Sum(h => h.UserMessages), g.Sum(h => h.BotMessages), g.Sum(h => h.AgentMessages), g.Sum(h => h.CachedBotMessages),
            g.Sum(h => h.ResponseTimeCount), g.Sum(h => h.ResponseTimeSumMs), g.Sum(h => h.FeedbackCount), g.Sum(h => h.FeedbackRatingSum), g.Sum(h => h.TokensUsed)))
            .FirstOrDefaultAsync(cancellationToken) ?? Totals.Empty;

    public static async Task<List<IntentCount>> TopIntentsAsync(IQueryable<DailyIntent> intents, int top, CancellationToken cancellationToken)
    {
        var rows = await intents.GroupBy(i => i.Intent).Select(g => new { Intent = g.Key, Count = g.Sum(i => i.Count) })
            .OrderByDescending(i => i.Count).ThenBy(i => i.Intent).Take(top).ToListAsync(cancellationToken);
        return rows.Select(r => new IntentCount(r.Intent, r.Count)).ToList();
    }
}

public sealed record Totals(
    long ConversationsStarted, long ConversationsEscalated, long ConversationsEnded, long ConversationsDeflected,
    long UserMessages, long BotMessages, long AgentMessages, long CachedBotMessages,
    long ResponseTimeCount, double ResponseTimeSumMs, long FeedbackCount, long FeedbackRatingSum, long TokensUsed)
{
    public static readonly Totals Empty = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public long Messages => UserMessages + BotMessages + AgentMessages;

    public static double Rate(long part, long whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);

    public double? AverageResponseMs => ResponseTimeCount == 0 ? null : Math.Round(ResponseTimeSumMs / ResponseTimeCount, 1);

    public double? Satisfaction => FeedbackCount == 0 ? null : Math.Round((double)FeedbackRatingSum / FeedbackCount, 2);
}

public sealed record IntentCount(string Intent, long Count);
