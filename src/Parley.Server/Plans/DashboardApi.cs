using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.ConversationModel;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Storage;
using Parley.Server.Users;

namespace Parley.Server.Plans;

public sealed record DashboardUser(Guid Id, string Email, string? Username, string? FullName, string Role, Guid TenantId, string SubscriptionPlan, bool IsActive, DateTime CreatedAt);

public sealed record DashboardUsage(
    long MessagesThisMonth, long BackgroundTasksThisMonth, long ApiCallsToday, long? QuotaRemaining,
    PlanLimitsView Limits, string Plan, string Scope, DateTime MessagesResetAt, DateTime ApiCallsResetAt);

public sealed record DashboardSessions(int ActiveSessions, DateTime? LastActivity);

public sealed record RecentConversation(Guid Id, string Title, string Status, int MessageCount, DateTime? LastMessageAt);

public sealed record DashboardConversations(long TotalConversations, IReadOnlyList<RecentConversation> RecentActivity);

public sealed record DashboardResponse(DashboardUser User, DashboardUsage Usage, DashboardSessions Sessions, DashboardConversations Conversations);

/// <summary>
/// Three-Database Chatbot <c>GET /auth/dashboard</c>. Quotas belong to the tenant (its plan), so usage is the
/// tenant's (<c>scope: "tenant"</c>); sessions and conversations are the caller's own.
/// <c>quota_remaining</c> is the messages left this month (null when the plan is unlimited).
/// </summary>
public static class DashboardApi
{
    public static async Task<Results<Ok<DashboardResponse>, ErrorResult>> GetAsync(ParleyDb db, CurrentUser me, UsageMeter meter, CancellationToken cancellationToken)
    {
        var userId = me.RequiredUserId;
        var tenantId = me.RequiredTenantId;
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return ErrorResult.NotFound("User");
        }

        // Writing this tenant's counts now makes the figures exact and raises any due warning.
        await meter.FlushAsync(tenantId, cancellationToken);
        var messages = await meter.StatusAsync(tenantId, UsageMetrics.Messages, cancellationToken);
        var tasks = await meter.StatusAsync(tenantId, UsageMetrics.BackgroundTasks, cancellationToken);
        var calls = await meter.StatusAsync(tenantId, UsageMetrics.ApiCalls, cancellationToken);
        var limits = PlanLimitsView.From(meter.Options.For(messages.Plan));

        var sessions = await db.AuthSessions.AsNoTracking().Where(s => s.UserId == userId && s.RevokedAt == null)
            .GroupBy(_ => 1).Select(g => new { Count = g.Count(), Last = g.Max(s => (DateTime?)s.LastSeenAt) }).FirstOrDefaultAsync(cancellationToken);
        var mine = db.Conversations.AsNoTracking().Where(c => c.UserId == userId);
        var total = await mine.LongCountAsync(cancellationToken);
        var recent = await mine.OrderByDescending(c => c.UpdatedAt).Take(5)
            .Select(c => new RecentConversation(c.Id, c.Title, c.Status, c.MessageCount, c.LastMessageAt)).ToListAsync(cancellationToken);

        return TypedResults.Ok(new DashboardResponse(
            new DashboardUser(user.Id, user.Email, user.Username, user.FullName, user.Role, user.TenantId, messages.Plan, user.IsActive, user.CreatedAt),
            new DashboardUsage(messages.Used, tasks.Used, calls.Used, messages.Unlimited ? null : messages.Remaining, limits, messages.Plan, "tenant", messages.ResetAt, calls.ResetAt),
            new DashboardSessions(sessions?.Count ?? 0, sessions?.Last),
            new DashboardConversations(total, recent)));
    }
}
