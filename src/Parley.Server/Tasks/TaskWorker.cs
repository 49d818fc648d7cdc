using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Events;
using Parley.Server.Storage;
using Parley.Server.Tenants;

namespace Parley.Server.Tasks;

/// <summary>
/// Drains the durable queue: claims tasks up to <see cref="TaskOptions.Workers"/> at once, renews
/// each claim while it runs, and stores the result (raising <c>task.completed</c>) or the failure
/// (raising the internal <c>task.failed</c>) in one transaction. A task whose worker died is
/// claimed again when its lease runs out, up to <see cref="TaskOptions.MaxAttempts"/> claims.
/// </summary>
public sealed class TaskWorker(TaskQueue queue, IServiceScopeFactory scopes, IOptionsMonitor<TaskOptions> options, TimeProvider clock, ILogger<TaskWorker> logger)
    : BackgroundService
{
    /// <summary>Internal event (not subscribable by webhooks).</summary>
    public const string TaskFailedEvent = "task.failed";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            var settings = options.CurrentValue;
            try
            {
                while (running.Count < settings.Workers && await queue.ClaimAsync(TimeSpan.FromSeconds(settings.LeaseSeconds), stoppingToken) is { } id)
                {
                    running.Add(RunAsync(id, stoppingToken));
                }

                var wake = queue.Submitted.WaitAsync(TimeSpan.FromMilliseconds(settings.PollMilliseconds), stoppingToken);
                await Task.WhenAny(running.Append(wake));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Task queue poll failed");
                await Task.Delay(TimeSpan.FromMilliseconds(settings.PollMilliseconds), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            running.RemoveAll(t => t.IsCompleted);
        }

        await Task.WhenAll(running);
    }

    private async Task RunAsync(Guid id, CancellationToken stoppingToken)
    {
        var settings = options.CurrentValue;
        var lease = TimeSpan.FromSeconds(settings.LeaseSeconds);
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var heartbeat = new PeriodicTimer(lease / 3);
        var renewing = RenewAsync(id, lease, heartbeat, lost);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
            var task = await db.Set<BackgroundTask>().IgnoreQueryFilters().AsNoTracking().FirstAsync(t => t.Id == id, stoppingToken);
            using var tenant = scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsTenant(task.TenantId);
            if (!await TenantGate.IsActiveAsync(db, task.TenantId, stoppingToken))
            {
                // Failed, not left queued: a deactivated tenant's work must not run later by surprise, and its owner sees why.
                await FinishAsync(scope.ServiceProvider, task, null, "Not run: " + TenantGate.Deactivated, CancellationToken.None);
                return;
            }

            if (task.Attempts > settings.MaxAttempts)
            {
                await FinishAsync(scope.ServiceProvider, task, null, $"Gave up after {settings.MaxAttempts} attempts: the worker stopped before finishing each time.", CancellationToken.None);
                return;
            }

            TaskResults results;
            try
            {
                results = await scope.ServiceProvider.GetRequiredService<TaskRunner>().RunAsync(task, lost.Token);
            }
            catch (TaskInputException e)
            {
                await FinishAsync(scope.ServiceProvider, task, null, e.Message, CancellationToken.None);
                return;
            }

            await FinishAsync(scope.ServiceProvider, task, results, null, CancellationToken.None);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await queue.ReleaseAsync(id, CancellationToken.None);
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested)
        {
            logger.LogInformation("Task {TaskId} was cancelled or claimed elsewhere; its work is discarded", id);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Task {TaskId} failed", id);
            await using var scope = scopes.CreateAsyncScope();
            var task = await scope.ServiceProvider.GetRequiredService<ParleyDb>().Set<BackgroundTask>().IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, CancellationToken.None);
            if (task is not null)
            {
                using var tenant = scope.ServiceProvider.GetRequiredService<CurrentUser>().ActAsTenant(task.TenantId);
                await FinishAsync(scope.ServiceProvider, task, null, "The task failed unexpectedly: " + e.GetType().Name + ".", CancellationToken.None);
            }
        }
        finally
        {
            await lost.CancelAsync();
            await renewing;
        }
    }

    private async Task RenewAsync(Guid id, TimeSpan lease, PeriodicTimer heartbeat, CancellationTokenSource lost)
    {
        try
        {
            while (await heartbeat.WaitForNextTickAsync(lost.Token))
            {
                if (!await queue.RenewAsync(id, lease, lost.Token))
                {
                    await lost.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run finished or the instance is stopping.
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not renew the lease of task {TaskId}", id);
        }
    }

    /// <summary>Stores the outcome only if this instance still holds the claim, with its event, in one transaction.</summary>
    private async Task FinishAsync(IServiceProvider services, BackgroundTask task, TaskResults? results, string? error, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<ParleyDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        var status = results is null ? TaskStatuses.Failed : TaskStatuses.Completed;
        var json = results is null ? null : JsonSerializer.Serialize(results, TaskJson.Options);
        var owner = queue.InstanceId;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await db.Set<BackgroundTask>()
            .Where(t => t.Id == task.Id && t.LeaseOwner == owner && t.Status == TaskStatuses.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, status).SetProperty(t => t.Result, json).SetProperty(t => t.Error, error)
                .SetProperty(t => t.CompletedAt, now).SetProperty(t => t.UpdatedAt, now).SetProperty(t => t.LeaseOwner, (string?)null)
                .SetProperty(t => t.LeaseExpiresAt, (DateTime?)null), cancellationToken);
        if (updated == 1)
        {
            var events = services.GetRequiredService<DomainEvents>();
            if (results is null)
            {
                await events.RaiseAsync(db, task.TenantId, TaskFailedEvent, new TaskEvent(task.Id, TaskStatusView.PublicId(task.Id), task.UserId, task.TaskType, status, error), task.UserId, cancellationToken);
            }
            else
            {
                await events.RaiseAsync(db, task.TenantId, EventTypes.TaskCompleted, new TaskEvent(task.Id, TaskStatusView.PublicId(task.Id), task.UserId, task.TaskType, status, null), task.UserId, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}

/// <summary>The data of <c>task.completed</c> and <c>task.failed</c>.</summary>
public sealed record TaskEvent(Guid TaskId, string PublicTaskId, Guid? UserId, string TaskType, string Status, string? Error);

/// <summary>A task's input cannot be processed (an unreadable dataset...): it fails with this message.</summary>
public sealed class TaskInputException(string message) : Exception(message);

public static class TaskJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
