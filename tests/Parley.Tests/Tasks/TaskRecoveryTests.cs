using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Storage;
using Parley.Server.Tasks;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Tasks;

/// <summary>
/// Two Parley instances on one database: the first only enqueues (no workers), the second runs the
/// queue. A task left "running" by a worker that died (its lease expired) is claimed again and
/// finished; a cancelled task is never run.
/// </summary>
public abstract class TaskRecoveryTests : IAsyncLifetime
{
    private TaskApp _enqueuer = null!;
    private TaskApp? _worker;

    protected abstract TaskApp Enqueuer();

    protected abstract TaskApp Worker(TaskApp enqueuer);

    public async Task InitializeAsync()
    {
        _enqueuer = Enqueuer();
        await _enqueuer.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (_worker is not null)
        {
            await _worker.DisposeAsync();
        }

        await _enqueuer.DisposeAsync();
        AfterDispose();
    }

    protected virtual void AfterDispose()
    {
    }

    [Fact]
    public async Task A_task_whose_worker_died_is_retried_by_another_instance_and_cancelled_ones_never_run()
    {
        var admin = _enqueuer.Admin;
        var crashed = await TaskSteps.SubmitAsync(admin.Client, "/api/v1/tasks/research", new { topic = "refund windows" });
        var cancelled = await TaskSteps.SubmitAsync(admin.Client, "/api/v1/tasks/research", new { topic = "refund exceptions" });
        var waiting = await TaskSteps.SubmitAsync(admin.Client, "/api/v1/tasks/research", new { topic = "refund delays" });

        // Nothing runs on an instance without workers.
        Assert.Equal("submitted", (await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/tasks/{waiting}/status"), 200)).GetProperty("status").GetString());
        var cancel = await Json.ReadAsync(await admin.Client.PostAsync($"/api/v1/tasks/{cancelled}/cancel", null), 200);
        Assert.Equal("cancelled", cancel.GetProperty("status").GetString());
        await Json.ReadErrorAsync(await admin.Client.DeleteAsync($"/api/v1/tasks/{cancelled}"), 409);

        // What a worker that died mid-run leaves behind: running, claimed once, lease run out.
        await using (var scope = _enqueuer.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
            var id = Guid.Parse(crashed["task_".Length..]);
            var expired = DateTime.UtcNow.AddMinutes(-5);
            Assert.Equal(1, await db.Database.ExecuteSqlAsync(
                $"UPDATE background_tasks SET status = 'running', lease_owner = 'crashed-instance', attempts = 1, lease_expires_at = {expired}, started_at = {expired} WHERE id = {id}"));
        }

        Assert.Equal("running", (await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/tasks/{crashed}/status"), 200)).GetProperty("status").GetString());

        _worker = Worker(_enqueuer);
        await _worker.InitializeAsync();

        var recovered = await TaskSteps.WaitAsync(admin.Client, crashed);
        Assert.Equal("completed", recovered.GetProperty("status").GetString());
        Assert.Equal(2, recovered.GetProperty("attempts").GetInt32());
        var done = await TaskSteps.WaitAsync(admin.Client, waiting);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal(1, done.GetProperty("attempts").GetInt32());
        var results = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/tasks/{crashed}/results"), 200);
        Assert.Equal(3, results.GetProperty("results").GetProperty("citations").GetArrayLength());

        var stillCancelled = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/tasks/{cancelled}/status"), 200);
        Assert.Equal("cancelled", stillCancelled.GetProperty("status").GetString());
        Assert.Equal(0, stillCancelled.GetProperty("attempts").GetInt32());
        await Json.ReadErrorAsync(await admin.Client.GetAsync($"/api/v1/tasks/{cancelled}/results"), 409);

        // The worker instance raised the completion events into the shared unit of work.
        Assert.Equal(2, _worker.Sink.Of(admin.TenantId, "task.completed").Count);
    }

    [Fact]
    public async Task A_deactivated_tenants_queued_tasks_fail_with_the_reason_instead_of_running()
    {
        var deactivated = await _enqueuer.CreateTenantWithAdminAsync("Gone");
        var active = await _enqueuer.CreateTenantWithAdminAsync("Here");
        var refused = await TaskSteps.SubmitAsync(deactivated.Client, "/api/v1/tasks/research", new { topic = "refund windows" });
        var runs = await TaskSteps.SubmitAsync(active.Client, "/api/v1/tasks/research", new { topic = "refund windows" });
        await Json.ReadAsync(await _enqueuer.Admin.Client.PutAsJsonAsync($"/api/v1/tenants/{deactivated.TenantId}", new { is_active = false }), 200);

        _worker = Worker(_enqueuer);
        await _worker.InitializeAsync();

        Assert.Equal("completed", (await TaskSteps.WaitAsync(active.Client, runs)).GetProperty("status").GetString());
        var task = await WaitFinalAsync(Guid.Parse(refused["task_".Length..]));
        Assert.Equal("failed", task.Status);
        Assert.Null(task.Result);
        Assert.Contains("deactivated", task.Error, StringComparison.Ordinal);
        Assert.Empty(_worker.Sink.Of(deactivated.TenantId, "task.completed"));
    }

    private async Task<BackgroundTask> WaitFinalAsync(Guid id)
    {
        for (var i = 0; i < 600; i++)
        {
            await using var scope = _enqueuer.Services.CreateAsyncScope();
            var task = await scope.ServiceProvider.GetRequiredService<ParleyDb>().Set<BackgroundTask>().IgnoreQueryFilters().AsNoTracking().SingleAsync(t => t.Id == id);
            if (task.Status is "completed" or "failed" or "cancelled")
            {
                return task;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Task {id} did not finish within a minute.");
    }
}

public sealed class SqliteTaskRecoveryTests : TaskRecoveryTests
{
    protected override TaskApp Enqueuer() => new SharedSqlite(null);

    protected override TaskApp Worker(TaskApp enqueuer) => new SharedSqlite(enqueuer.DataDir) { RegisterAdminOnStart = false };

    private sealed class SharedSqlite(string? dataDir) : TaskApp
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Extra() => dataDir is null
            ? [new("Parley:Tasks:Workers", "0")]
            : [new("Parley:DataDir", dataDir)];
    }
}

public sealed class PostgresTaskRecoveryTests : TaskRecoveryTests
{
    private readonly string _database = PostgresDatabases.Create();
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    protected override TaskApp Enqueuer() => new SharedPostgres(_database, _key, workers: 0);

    protected override void AfterDispose() => PostgresDatabases.Drop(_database);

    protected override TaskApp Worker(TaskApp enqueuer) => new SharedPostgres(_database, _key, workers: 2) { RegisterAdminOnStart = false };

    private sealed class SharedPostgres(string database, string key, int workers) : TaskApp
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Extra() =>
            [new("Parley:Database:Postgres", database), new("Parley:Auth:SigningKey", key), new("Parley:Tasks:Workers", workers.ToString(System.Globalization.CultureInfo.InvariantCulture))];
    }
}
