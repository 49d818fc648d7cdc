using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Parley.Server.Storage;

namespace Parley.Server.Tasks;

/// <summary>
/// One queued analysis or research job. The row is the queue: a worker claims it by setting
/// <see cref="LeaseOwner"/> and <see cref="LeaseExpiresAt"/>, renews the lease while it works, and
/// a row whose lease has expired (its worker died) is claimed again.
/// </summary>
public sealed class BackgroundTask : ITenantOwned
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid? UserId { get; set; }
    public required string TaskType { get; set; }
    public string Status { get; set; } = TaskStatuses.Submitted;
    public required string Description { get; set; }
    public string Request { get; set; } = "{}";
    public string? Dataset { get; set; }
    public string? Result { get; set; }
    public string? Error { get; set; }
    public int Attempts { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseExpiresAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public static class TaskStatuses
{
    public const string Submitted = "submitted";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public static readonly string[] All = [Submitted, Running, Completed, Failed, Cancelled];
}

public static class TaskTypes
{
    /// <summary>Three-Database Chatbot shows <c>task_type: "analysis"</c> for tasks submitted to <c>/tasks/analyze</c>.</summary>
    public const string Analysis = "analysis";
    public const string Research = "research";
}

/// <summary><c>Parley:Tasks</c>: the queue's workers.</summary>
public sealed class TaskOptions
{
    public const string Section = "Parley:Tasks";

    /// <summary>Tasks this instance runs at once (0: this instance only enqueues; others run them).</summary>
    [Range(0, 64)]
    public int Workers { get; set; } = 2;

    /// <summary>How long a claim lasts without renewal; a task whose worker died is retried after this.</summary>
    [Range(2, 3600)]
    public int LeaseSeconds { get; set; } = 60;

    [Range(1, 60_000)]
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>Claims (first run plus retries after a crash) before a task is failed for good.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Largest CSV dataset accepted with an analysis task.</summary>
    [Range(1, 100_000_000)]
    public int MaxDatasetBytes { get; set; } = 5 * 1024 * 1024;
}

internal sealed class BackgroundTaskConfiguration : IEntityTypeConfiguration<BackgroundTask>
{
    public void Configure(EntityTypeBuilder<BackgroundTask> builder) => builder.ToTable("background_tasks");
}
