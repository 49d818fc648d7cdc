using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.Conversations;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Plans;
using Parley.Server.Storage;
using Parley.Server.Tasks;
using Parley.Server.Users;

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

/// <summary>Analytics of the Three-Database Chatbot document, Customer Care AI and HeliosCS; every metric is defined in docs/analytics.md.</summary>
public static class AnalyticsApi
{
    public static RouteGroupBuilder MapAnalytics(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/analytics").WithTags("Analytics");
        group.MapGet("/stats", StatsApi.StatsAsync);
        group.MapGet("/usage", StatsApi.UsageAsync);
        group.MapGet("/conversations", ConversationsAsync);
        var staff = group.MapGroup("").RequireAuthorization(AuthSetup.Policies.Agent);
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

        // The Customer Care AI document gives this to every user: a user's figures are of their own conversations.
        if (!me.IsAgentOrAdmin)
        {
            return TypedResults.Ok(await OwnConversationAnalytics.ComputeAsync(db, me.RequiredUserId, scope, timeframe, cancellationToken));
        }

        await rollups.CatchUpAsync(cancellationToken);
        var hours = scope.Hours(db);
        var totals = await AnalyticsScope.TotalsAsync(hours, cancellationToken);
        var perHour = await hours.GroupBy(h => h.HourStart).Select(g => new { g.Key, Count = g.Sum(h => h.ConversationsStarted) }).ToListAsync(cancellationToken);
        var series = perHour.GroupBy(h => Bucket(DateTime.SpecifyKind(h.Key, DateTimeKind.Utc), timeframe)).OrderBy(g => g.Key)
            .Select(g => new TimePoint(g.Key, g.Sum(h => h.Count))).Where(p => p.Count > 0 || timeframe != "hourly").ToList();
        var activeUsers = await rollups.ActiveUsersAsync(scope, () => scope.ActiveUsers(db).Select(u => u.UserId).Distinct().LongCountAsync(cancellationToken));
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

    /// <summary>Per agent, summed from the daily agent rollup over the days the window touches.</summary>
    private static async Task<Results<Ok<PerformanceReport>, ErrorResult>> PerformanceAsync(
        HttpRequest request, ParleyDb db, CurrentUser me, RollupService rollups, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (scope, error) = AnalyticsScope.Parse(request, me, clock.GetUtcNow().UtcDateTime, 30);
        if (scope is null)
        {
            return error!;
        }

        await rollups.CatchUpAsync(cancellationToken);
        var rows = await scope.Agents(db).GroupBy(a => a.AgentId).Select(g => new
        {
            Agent = g.Key,
            Messages = g.Sum(a => a.MessagesSent),
            Handled = g.Sum(a => a.ConversationsHandled),
            Responses = g.Sum(a => a.FirstResponseCount),
            ResponseSeconds = g.Sum(a => a.FirstResponseSumSeconds),
            Resolved = g.Sum(a => a.ConversationsResolved),
            ResolutionSeconds = g.Sum(a => a.ResolutionSumSeconds),
            Ratings = g.Sum(a => a.RatingsCount),
            RatingSum = g.Sum(a => a.RatingSum),
        }).ToListAsync(cancellationToken);
        var agentIds = rows.Select(r => r.Agent).ToList();
        var people = await (scope.PlatformWide ? db.Users.IgnoreQueryFilters() : db.Users).AsNoTracking().Where(u => agentIds.Contains(u.Id))
            .Select(u => new { u.Id, u.FullName, u.Email }).ToDictionaryAsync(u => u.Id, cancellationToken);
        var report = rows.Select(r =>
        {
            people.TryGetValue(r.Agent, out var person);
            return new AgentPerformance(r.Agent, person?.FullName, person?.Email, r.Handled, r.Messages,
                r.Responses == 0 ? null : Math.Round(r.ResponseSeconds / r.Responses, 1), r.Resolved, r.Resolved == 0 ? null : Math.Round(r.ResolutionSeconds / r.Resolved, 1),
                r.Ratings == 0 ? null : Math.Round((double)r.RatingSum / r.Ratings, 2), r.Ratings);
        }).OrderByDescending(a => a.ConversationsHandled).ThenByDescending(a => a.MessagesSent).ThenBy(a => a.AgentId).ToList();
        return TypedResults.Ok(new PerformanceReport(report, scope.Start, scope.End, scope.PlatformWide ? "platform" : "tenant"));
    }
}
