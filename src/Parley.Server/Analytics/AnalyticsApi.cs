using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.Conversations;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Quotas;
using Parley.Server.Storage;
using Parley.Server.Tasks;

namespace Parley.Server.Analytics;

public sealed record TimePoint(DateTime Timestamp, long Count);

public sealed record ConversationAnalytics(
    long TotalConversations, long ActiveUsers, double MessagesPerConversation, IReadOnlyList<IntentCount> IntentDistribution, IReadOnlyList<TimePoint> TimeSeries,
    string Timeframe, DateTime StartDate, DateTime EndDate, string Scope);

public sealed record DashboardMetrics(
    double DeflectionRate, double? AverageResponseTime, double? CustomerSatisfaction, long TotalConversations, double EscalationRate, IReadOnlyList<IntentCount> TopIntents,
    long TotalMessages, double? AverageResponseTimeMs, long FeedbackCount, DateTime StartDate, DateTime EndDate, string Scope);

public sealed record AgentPerformance(
    Guid AgentId, string? Name, string? Email, long ConversationsHandled, long MessagesSent, double? AverageFirstResponseSeconds, long ConversationsResolved,
    double? AverageResolutionSeconds, double? CustomerSatisfaction, long RatingsCount);

public sealed record PerformanceReport(IReadOnlyList<AgentPerformance> Agents, DateTime StartDate, DateTime EndDate, string Scope);

/// <summary>Analytics of documents 001, 002 and 004; every metric is defined in docs/analytics.md.</summary>
public static class AnalyticsApi
{
    public static RouteGroupBuilder MapAnalytics(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/analytics").WithTags("Analytics");
        group.MapGet("/stats", StatsApi.StatsAsync);
        group.MapGet("/usage", StatsApi.UsageAsync);
        var staff = group.MapGroup("").RequireAuthorization(AuthSetup.Policies.Agent);
        staff.MapGet("/conversations", ConversationsAsync);
        staff.MapGet("/dashboard", DashboardAsync);
        staff.MapGet("/performance", PerformanceAsync);
        return group;
    }

    private static async Task<Results<Ok<ConversationAnalytics>, ErrorResult>> ConversationsAsync(
        HttpRequest request, string? timeframe, ParleyDb db, CurrentUser me, RollupService rollups, TimeProvider clock, CancellationToken cancellationToken)
    {
        timeframe ??= "daily";
        if (timeframe is not ("hourly" or "daily" or "weekly" or "monthly"))
        {
            return ErrorResult.InvalidQuery([new FieldError("timeframe", "hourly, daily, weekly or monthly.")]);
        }

        var (scope, error) = AnalyticsScope.Parse(request, me, clock.GetUtcNow().UtcDateTime, 30);
        if (scope is null)
        {
            return error!;
        }

        await rollups.CatchUpAsync(cancellationToken);
        var hours = scope.Hours(db);
        var totals = await AnalyticsScope.TotalsAsync(hours, cancellationToken);
        var perHour = await hours.GroupBy(h => h.HourStart).Select(g => new { g.Key, Count = g.Sum(h => h.ConversationsStarted) }).ToListAsync(cancellationToken);
        var series = perHour.GroupBy(h => Bucket(DateTime.SpecifyKind(h.Key, DateTimeKind.Utc), timeframe)).OrderBy(g => g.Key)
            .Select(g => new TimePoint(g.Key, g.Sum(h => h.Count))).Where(p => p.Count > 0 || timeframe != "hourly").ToList();
        var activeUsers = await scope.Users(db).Select(u => u.UserId).Distinct().LongCountAsync(cancellationToken);
        var intents = await AnalyticsScope.TopIntentsAsync(scope.Intents(db), 20, cancellationToken);
        return TypedResults.Ok(new ConversationAnalytics(totals.ConversationsStarted, activeUsers,
            totals.ConversationsStarted == 0 ? 0 : Math.Round((double)totals.Messages / totals.ConversationsStarted, 2), intents, series,
            timeframe, scope.Start, scope.End, scope.PlatformWide ? "platform" : "tenant"));
    }

    internal static DateTime Bucket(DateTime hour, string timeframe) => timeframe switch
    {
        "hourly" => hour,
        "weekly" => hour.Date.AddDays(-(((int)hour.DayOfWeek + 6) % 7)),
        "monthly" => new DateTime(hour.Year, hour.Month, 1, 0, 0, 0, DateTimeKind.Utc),
        _ => hour.Date,
    };

    private static async Task<Results<Ok<DashboardMetrics>, ErrorResult>> DashboardAsync(
        HttpRequest request, ParleyDb db, CurrentUser me, RollupService rollups, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (scope, error) = AnalyticsScope.Parse(request, me, clock.GetUtcNow().UtcDateTime, 30);
        if (scope is null)
        {
            return error!;
        }

        await rollups.CatchUpAsync(cancellationToken);
        var t = await AnalyticsScope.TotalsAsync(scope.Hours(db), cancellationToken);
        var intents = await AnalyticsScope.TopIntentsAsync(scope.Intents(db), 5, cancellationToken);
        return TypedResults.Ok(new DashboardMetrics(
            Totals.Rate(t.ConversationsDeflected, t.ConversationsEnded), t.AverageResponseMs is { } ms ? Math.Round(ms / 1000, 3) : null, t.Satisfaction,
            t.ConversationsStarted, Totals.Rate(t.ConversationsEscalated, t.ConversationsStarted), intents,
            t.Messages, t.AverageResponseMs, t.FeedbackCount, scope.Start, scope.End, scope.PlatformWide ? "platform" : "tenant"));
    }

    /// <summary>
    /// Per agent, from the agents' own messages in the window (read live through the
    /// (tenant, type, created) index: agent messages are a small share of all messages).
    /// </summary>
    private static async Task<Results<Ok<PerformanceReport>, ErrorResult>> PerformanceAsync(
        HttpRequest request, ParleyDb db, CurrentUser me, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (scope, error) = AnalyticsScope.Parse(request, me, clock.GetUtcNow().UtcDateTime, 30);
        if (scope is null)
        {
            return error!;
        }

        var messages = (scope.PlatformWide ? db.Messages.IgnoreQueryFilters() : db.Messages).AsNoTracking();
        var handled = await messages
            .Where(m => m.MessageType == MessageTypes.Agent && m.SenderId != null && m.CreatedAt >= scope.Start && m.CreatedAt < scope.End)
            .GroupBy(m => new { Agent = m.SenderId!.Value, m.ConversationId })
            .Select(g => new { g.Key.Agent, g.Key.ConversationId, Count = g.LongCount(), FirstSequence = g.Min(m => m.Sequence), FirstAt = g.Min(m => m.CreatedAt) })
            .ToListAsync(cancellationToken);
        var ids = handled.Select(h => h.ConversationId).Distinct().ToList();
        var details = await (scope.PlatformWide ? db.Conversations.IgnoreQueryFilters() : db.Conversations).AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new { c.Id, c.Status, c.CreatedAt, c.EndedAt }).ToDictionaryAsync(c => c.Id, cancellationToken);
        var customerMessages = await messages.Where(m => ids.Contains(m.ConversationId) && m.MessageType == MessageTypes.User)
            .Select(m => new { m.ConversationId, m.Sequence, m.CreatedAt }).ToListAsync(cancellationToken);
        var customerByConversation = customerMessages.ToLookup(m => m.ConversationId);
        var ratings = (await (scope.PlatformWide ? db.MessageFeedback.IgnoreQueryFilters() : db.MessageFeedback).AsNoTracking().Where(f => ids.Contains(f.ConversationId))
            .Select(f => new { f.ConversationId, f.Rating }).ToListAsync(cancellationToken)).ToLookup(f => f.ConversationId, f => (double)f.Rating);
        var firsts = handled.Select(h => new
        {
            h.Agent,
            h.Count,
            h.FirstAt,
            CustomerAt = customerByConversation[h.ConversationId].Where(m => m.Sequence < h.FirstSequence).Select(m => (DateTime?)m.CreatedAt).Max(),
            Conversation = details.GetValueOrDefault(h.ConversationId),
            Ratings = ratings[h.ConversationId].ToList(),
        }).ToList();

        var agentIds = firsts.Select(f => f.Agent).Distinct().ToList();
        var people = await (scope.PlatformWide ? db.Users.IgnoreQueryFilters() : db.Users).AsNoTracking().Where(u => agentIds.Contains(u.Id))
            .Select(u => new { u.Id, u.FullName, u.Email }).ToDictionaryAsync(u => u.Id, cancellationToken);
        var report = firsts.GroupBy(f => f.Agent).Select(g =>
        {
            var responses = g.Where(f => f.CustomerAt is not null).Select(f => (f.FirstAt - f.CustomerAt!.Value).TotalSeconds).ToList();
            var resolved = g.Where(f => f.Conversation?.Status == ConversationStatus.Ended && f.Conversation.EndedAt is not null)
                .Select(f => (f.Conversation!.EndedAt!.Value - f.Conversation.CreatedAt).TotalSeconds).ToList();
            var ratings = g.SelectMany(f => f.Ratings).ToList();
            people.TryGetValue(g.Key, out var person);
            return new AgentPerformance(g.Key, person?.FullName, person?.Email, g.LongCount(), g.Sum(f => f.Count),
                responses.Count == 0 ? null : Math.Round(responses.Average(), 1), resolved.Count, resolved.Count == 0 ? null : Math.Round(resolved.Average(), 1),
                ratings.Count == 0 ? null : Math.Round(ratings.Average(), 2), ratings.Count);
        }).OrderByDescending(a => a.ConversationsHandled).ToList();
        return TypedResults.Ok(new PerformanceReport(report, scope.Start, scope.End, scope.PlatformWide ? "platform" : "tenant"));
    }
}
