using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Parley.Server.Analytics;

/// <summary>One tenant's activity in one hour, attributed by creation time (see docs/analytics.md).</summary>
public sealed class AnalyticsHour
{
    public Guid TenantId { get; set; }
    public DateTime HourStart { get; set; }
    public long ConversationsStarted { get; set; }
    public long ConversationsEscalated { get; set; }
    public long ConversationsEnded { get; set; }
    public long ConversationsDeflected { get; set; }
    public long UserMessages { get; set; }
    public long BotMessages { get; set; }
    public long AgentMessages { get; set; }
    public long CachedBotMessages { get; set; }
    public long ResponseTimeCount { get; set; }
    public double ResponseTimeSumMs { get; set; }
    public long FeedbackCount { get; set; }
    public long FeedbackRatingSum { get; set; }
    public long TokensUsed { get; set; }
}

public sealed class DailyIntent
{
    public Guid TenantId { get; set; }
    public DateTime Day { get; set; }
    public required string Intent { get; set; }
    public long Count { get; set; }
}

/// <summary>
/// One user's day: customer messages they sent, conversations they started and cached answers in
/// their conversations (a row exists when any is non-zero; active users are those with messages).
/// </summary>
public sealed class DailyUser
{
    public Guid TenantId { get; set; }
    public DateTime Day { get; set; }
    public Guid UserId { get; set; }
    public long Messages { get; set; }
    public long ConversationsStarted { get; set; }
    public long CachedAnswers { get; set; }
}

/// <summary>
/// One agent's day: messages they sent that day, and the conversations created that day in which
/// they wrote (first response, resolution and ratings of those conversations; docs/analytics.md).
/// </summary>
public sealed class DailyAgent
{
    public Guid TenantId { get; set; }
    public DateTime Day { get; set; }
    public Guid AgentId { get; set; }
    public long MessagesSent { get; set; }
    public long ConversationsHandled { get; set; }
    public long FirstResponseCount { get; set; }
    public double FirstResponseSumSeconds { get; set; }
    public long ConversationsResolved { get; set; }
    public double ResolutionSumSeconds { get; set; }
    public long RatingsCount { get; set; }
    public long RatingSum { get; set; }
}

public sealed class RollupState
{
    public int Id { get; set; }
    public DateTime Watermark { get; set; }
}

internal sealed class RollupConfiguration
    : IEntityTypeConfiguration<AnalyticsHour>, IEntityTypeConfiguration<DailyIntent>, IEntityTypeConfiguration<DailyUser>, IEntityTypeConfiguration<DailyAgent>, IEntityTypeConfiguration<RollupState>
{
    public void Configure(EntityTypeBuilder<AnalyticsHour> builder) => builder.ToTable("analytics_hourly").HasKey(h => new { h.TenantId, h.HourStart });

    public void Configure(EntityTypeBuilder<DailyIntent> builder) => builder.ToTable("analytics_daily_intents").HasKey(i => new { i.TenantId, i.Day, i.Intent });

    public void Configure(EntityTypeBuilder<DailyUser> builder) => builder.ToTable("analytics_daily_users").HasKey(u => new { u.TenantId, u.Day, u.UserId });

    public void Configure(EntityTypeBuilder<DailyAgent> builder) => builder.ToTable("analytics_daily_agents").HasKey(a => new { a.TenantId, a.Day, a.AgentId });

    public void Configure(EntityTypeBuilder<RollupState> builder)
    {
        builder.ToTable("analytics_rollup_state");
        builder.Property(s => s.Id).ValueGeneratedNever();
    }
}
