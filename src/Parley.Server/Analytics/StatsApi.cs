using System.Globalization;
using System.Text.RegularExpressions;
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

public sealed record GlobalStats(long TotalUsers, long TotalSessions, long TotalMessages, double CacheHitRate, string Scope);

public sealed record UserStats(long MessagesSent, long SessionsCreated, long BackgroundTasks, long CacheHits);

public sealed record SystemHealth(IReadOnlyDictionary<string, string> Databases, double? ResponseTimeAvgMs);

public sealed record StatsResponse(GlobalStats GlobalStats, UserStats UserStats, SystemHealth SystemHealth);

public sealed record UsageDay(string Date, long Conversations, long Messages, long UserMessages, long BackgroundTasks, long? ApiCalls);

public sealed record UsageResponse(string Period, DateTime StartDate, DateTime EndDate, long Conversations, long Messages, long BackgroundTasks, long? ApiCalls, IReadOnlyList<UsageDay> Daily, string Scope);

/// <summary>
/// Three-Database Chatbot <c>/analytics/stats</c> and <c>/analytics/usage</c>: any signed-in user.
/// Agents and admins get their tenant's figures (the platform's with scope=platform for platform
/// admins), a plain user their own (<see cref="OwnStats"/>).
/// </summary>
public static partial class StatsApi
{
    public static async Task<Results<Ok<StatsResponse>, ErrorResult>> StatsAsync(
        HttpRequest request, ParleyDb db, CurrentUser me, RollupService rollups, IServiceProvider services, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var (scope, error) = AnalyticsScope.Parse(request, me, now, 36500);
        if (scope is null)
        {
            return error!;
        }

        await rollups.CatchUpAsync(cancellationToken);
        var lastDay = await AnalyticsScope.TotalsAsync((scope with { Start = now.AddDays(-1), End = now.AddHours(1) }).Hours(db), cancellationToken);
        GlobalStats global;
        if (me.IsAgentOrAdmin)
        {
            var all = await AnalyticsScope.TotalsAsync(scope.Hours(db), cancellationToken);
            // Widget visitors are not users in this sense (they have no account); /users does not list them either.
            var users = await (scope.PlatformWide ? db.Users.IgnoreQueryFilters() : db.Users).LongCountAsync(u => u.Role != Roles.Visitor, cancellationToken);
            global = new GlobalStats(users, all.ConversationsStarted, all.Messages, Totals.Rate(all.CachedBotMessages, all.BotMessages), scope.PlatformWide ? "platform" : "tenant");
        }
        else
        {
            global = await OwnStats.GlobalAsync(db, me.RequiredUserId, scope, cancellationToken);
        }

        var caller = me.RequiredUserId;
        var own = await db.Set<DailyUser>().AsNoTracking().Where(u => u.TenantId == me.RequiredTenantId && u.UserId == caller).GroupBy(u => u.UserId)
            .Select(g => new { Sent = g.Sum(u => u.Messages), Sessions = g.Sum(u => u.ConversationsStarted), CacheHits = g.Sum(u => u.CachedAnswers) })
            .FirstOrDefaultAsync(cancellationToken);
        var tasks = await db.Set<BackgroundTask>().LongCountAsync(t => t.UserId == caller, cancellationToken);

        var databases = new Dictionary<string, string>
        {
            [db.Database.IsNpgsql() ? "postgresql" : "sqlite"] = await db.Database.CanConnectAsync(cancellationToken) ? "healthy" : "unhealthy",
        };
        var redis = services.GetService<StackExchange.Redis.IConnectionMultiplexer>();
        databases["redis"] = redis is null ? "not_configured" : redis.IsConnected ? "healthy" : "unhealthy";

        return TypedResults.Ok(new StatsResponse(
            global,
            new UserStats(own?.Sent ?? 0, own?.Sessions ?? 0, tasks, own?.CacheHits ?? 0),
            new SystemHealth(databases, lastDay.AverageResponseMs)));
    }

    public static async Task<Results<Ok<UsageResponse>, ErrorResult>> UsageAsync(
        HttpRequest request, string? period, ParleyDb db, CurrentUser me, RollupService rollups, TimeProvider clock, CancellationToken cancellationToken)
    {
        period ??= "7d";
        var match = PeriodPattern().Match(period);
        if (!match.Success || !int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var count) || count is < 1 or > 365)
        {
            return ErrorResult.InvalidQuery([new FieldError("period", "Days as Nd (1d-365d), e.g. 7d.")]);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var days = match.Groups[2].Value == "w" ? count * 7 : count;
        var start = now.Date.AddDays(-(days - 1));
        var (scope, error) = AnalyticsScope.Parse(request, me, now, days);
        if (scope is null)
        {
            return error!;
        }

        scope = scope with { Start = DateTime.SpecifyKind(start, DateTimeKind.Utc), End = now.AddHours(1) };
        var periods = Enumerable.Range(0, days).Select(i => start.AddDays(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
        if (!me.IsAgentOrAdmin)
        {
            var own = await OwnStats.DailyAsync(db, me.RequiredUserId, scope.Start, periods, cancellationToken);
            return TypedResults.Ok(new UsageResponse(period, scope.Start, now, own.Sum(d => d.Conversations), own.Sum(d => d.Messages), own.Sum(d => d.BackgroundTasks),
                null, own, "own"));
        }

        await rollups.CatchUpAsync(cancellationToken);
        var perHour = await scope.Hours(db).GroupBy(h => h.HourStart)
            .Select(g => new { g.Key, Conversations = g.Sum(h => h.ConversationsStarted), Users = g.Sum(h => h.UserMessages), Messages = g.Sum(h => h.UserMessages + h.BotMessages + h.AgentMessages) })
            .ToListAsync(cancellationToken);
        var calls = db.Set<UsageCounter>().AsNoTracking().Where(c => c.Metric == UsageMetrics.ApiCalls && periods.Contains(c.Period));
        var tasks = (scope.PlatformWide ? db.Set<BackgroundTask>().IgnoreQueryFilters() : db.Set<BackgroundTask>()).Where(t => t.CreatedAt >= scope.Start);
        if (scope.TenantId is { } tenant)
        {
            calls = calls.Where(c => c.TenantId == tenant);
        }

        var callsByDay = await calls.GroupBy(c => c.Period).Select(g => new { g.Key, Count = g.Sum(c => c.Count) }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var taskDays = await tasks.GroupBy(t => new { t.CreatedAt.Year, t.CreatedAt.Month, t.CreatedAt.Day }).Select(g => new { g.Key.Year, g.Key.Month, g.Key.Day, Count = g.LongCount() }).ToListAsync(cancellationToken);
        var tasksByDay = taskDays.ToDictionary(t => new DateTime(t.Year, t.Month, t.Day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), t => t.Count);
        var daily = periods.Select(p =>
        {
            var hours = perHour.Where(h => h.Key.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) == p).ToList();
            return new UsageDay(p, hours.Sum(h => h.Conversations), hours.Sum(h => h.Messages), hours.Sum(h => h.Users), tasksByDay.GetValueOrDefault(p), callsByDay.GetValueOrDefault(p));
        }).ToList();
        return TypedResults.Ok(new UsageResponse(period, scope.Start, now, daily.Sum(d => d.Conversations), daily.Sum(d => d.Messages), daily.Sum(d => d.BackgroundTasks),
            daily.Sum(d => d.ApiCalls ?? 0), daily, scope.PlatformWide ? "platform" : "tenant"));
    }

    [GeneratedRegex("^([0-9]{1,3})([dw])$")]
    private static partial Regex PeriodPattern();
}
