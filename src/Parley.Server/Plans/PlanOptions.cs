using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Tenants;

namespace Parley.Server.Plans;

/// <summary>What one subscription plan allows. 0 means unlimited.</summary>
public sealed class PlanLimits
{
    [Range(0, long.MaxValue)]
    public long MessagesPerMonth { get; set; }

    [Range(0, long.MaxValue)]
    public long BackgroundTasksPerMonth { get; set; }

    [Range(0, long.MaxValue)]
    public long ApiCallsPerDay { get; set; }

    /// <summary>Background tasks of one tenant running at once.</summary>
    [Range(1, 1000)]
    public int ConcurrentTasks { get; set; } = 1;

    public long LimitOf(string metric) => metric switch
    {
        UsageMetrics.Messages => MessagesPerMonth,
        UsageMetrics.BackgroundTasks => BackgroundTasksPerMonth,
        UsageMetrics.ApiCalls => ApiCallsPerDay,
        _ => 0,
    };
}

/// <summary><c>Parley:Plans</c>: the limits of free, pro and enterprise, and how usage is metered.</summary>
public sealed class PlanOptions
{
    public const string Section = "Parley:Plans";

    /// <summary>Refuse requests over quota (429). When false, usage is still counted.</summary>
    public bool Enforce { get; set; } = true;

    /// <summary>How often each instance writes its counted usage to the database and re-reads the shared totals.</summary>
    [Range(1, 3600)]
    public int FlushSeconds { get; set; } = 5;

    /// <summary>The share of a limit at which a <c>quota.warning</c> is raised (once per period).</summary>
    [Range(1, 100)]
    public int WarnAtPercent { get; set; } = 80;

    public PlanLimits Free { get; set; } = new() { MessagesPerMonth = 1_000, BackgroundTasksPerMonth = 10, ApiCallsPerDay = 10_000, ConcurrentTasks = 1 };

    public PlanLimits Pro { get; set; } = new() { MessagesPerMonth = 50_000, BackgroundTasksPerMonth = 200, ApiCallsPerDay = 200_000, ConcurrentTasks = 3 };

    public PlanLimits Enterprise { get; set; } = new() { MessagesPerMonth = 0, BackgroundTasksPerMonth = 0, ApiCallsPerDay = 0, ConcurrentTasks = 10 };

    public PlanLimits For(string plan) => plan switch
    {
        PlanNames.Pro => Pro,
        PlanNames.Enterprise => Enterprise,
        _ => Free,
    };
}

/// <summary>The metered quantities and the period each is counted over.</summary>
public static class UsageMetrics
{
    public const string Messages = "messages";
    public const string BackgroundTasks = "background_tasks";
    public const string ApiCalls = "api_calls";
    public static readonly string[] All = [Messages, BackgroundTasks, ApiCalls];

    /// <summary>Messages and tasks are counted per calendar month (UTC), API calls per UTC day.</summary>
    public static (string Period, DateTime Start, DateTime ResetAt) PeriodOf(string metric, DateTime utcNow)
    {
        if (metric == ApiCalls)
        {
            var day = utcNow.Date;
            return (day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), DateTime.SpecifyKind(day, DateTimeKind.Utc), DateTime.SpecifyKind(day.AddDays(1), DateTimeKind.Utc));
        }

        var month = new DateTime(utcNow.Year, utcNow.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        return (month.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), month, month.AddMonths(1));
    }
}

/// <summary>The stored total of one metric in one period (written by <see cref="UsageMeter"/> only).</summary>
public sealed class UsageCounter
{
    public Guid TenantId { get; set; }
    public required string Metric { get; set; }
    public required string Period { get; set; }
    public long Count { get; set; }
    public DateTime? WarnedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class UsageCounterConfiguration : Microsoft.EntityFrameworkCore.IEntityTypeConfiguration<UsageCounter>
{
    public void Configure(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder<UsageCounter> builder)
    {
        builder.ToTable("usage_counters");
        builder.HasKey(c => new { c.TenantId, c.Metric, c.Period });
    }
}
