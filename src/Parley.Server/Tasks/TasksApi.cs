using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Pagination;
using Parley.Server.Quotas;
using Parley.Server.Storage;
using Parley.Server.Tasks.Analysis;

namespace Parley.Server.Tasks;

/// <summary>
/// 001 <c>/tasks/*</c>. Everyone may run research, analyse a CSV they upload and analyse
/// conversations: a plain user's analysis covers only their own conversations (001's example sends
/// no data source at all). The tenant's tickets take an agent or admin. Admins see every task of
/// their tenant, others their own. Ids are accepted as <c>task_{uuid}</c> (001) or a bare uuid.
/// </summary>
public static class TasksApi
{
    private static readonly ListSpec<BackgroundTask> ListSpec = new ListSpec<BackgroundTask>(t => t.Id)
        .SortBy("created_at", t => t.CreatedAt, isDefault: true, defaultDescending: true)
        .SortBy("completed_at", t => t.CompletedAt)
        .FilterBy("status", v => TaskStatuses.All.Contains(v) ? t => t.Status == v : null)
        .FilterBy("task_type", v => v is TaskTypes.Analysis or TaskTypes.Research ? t => t.TaskType == v : null)
        .SearchBy(term => t => t.Description.ToUpper().Contains(term.ToUpperInvariant()));

    public static RouteGroupBuilder MapTasks(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/tasks").WithTags("Tasks");
        group.MapPost("/analyze", AnalyzeAsync).Accepts<AnalyzeRequest>("application/json", "multipart/form-data");
        group.MapPost("/research", ResearchAsync);
        group.MapGet("", ListAsync);
        group.MapGet("/{id}", StatusAsync);
        group.MapGet("/{id}/status", StatusAsync);
        group.MapGet("/{id}/results", ResultsAsync);
        group.MapPost("/{id}/cancel", CancelAsync);
        group.MapDelete("/{id}", CancelAsync);
        return group;
    }

    private static async Task<Results<Accepted<TaskSubmitted>, ErrorResult>> AnalyzeAsync(
        HttpContext http, ParleyDb db, CurrentUser me, UsageMeter meter, TaskQueue queue, TicketFigures tickets,
        IOptions<TaskOptions> options, IOptions<JsonOptions> json, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (request, dataset, readError) = await ReadAnalyzeAsync(http, options.Value.MaxDatasetBytes, json.Value.SerializerOptions, cancellationToken);
        if (readError is not null)
        {
            return readError;
        }

        if (request!.Validate().ToList() is { Count: > 0 } errors)
        {
            return ErrorResult.Validation(errors);
        }

        var source = request.DataSource is null or "csv" ? (dataset is null ? DataSources.Conversations : DataSources.Dataset) : request.DataSource;
        if (source == DataSources.Dataset && dataset is null)
        {
            return ErrorResult.Validation("dataset", "Upload a CSV (multipart field 'file', or 'dataset' as text) to analyse a dataset.");
        }

        if (source == DataSources.Tickets && !me.IsAgentOrAdmin)
        {
            return ErrorResult.Forbidden("Analysing the tenant's tickets takes an agent or admin; analyse your conversations or upload a dataset.");
        }

        if (source == DataSources.Tickets && !await tickets.AvailableAsync(cancellationToken))
        {
            return ErrorResult.Validation("data_source", "Tickets are not available on this server.");
        }

        var stored = request with { Dataset = null, DataSource = source };
        return await SubmitAsync(db, me, meter, queue, clock, TaskTypes.Analysis, request.Description!.Trim(), JsonSerializer.Serialize(stored, TaskJson.Options), dataset, cancellationToken);
    }

    private static Task<Results<Accepted<TaskSubmitted>, ErrorResult>> ResearchAsync(
        ResearchRequest request, ParleyDb db, CurrentUser me, UsageMeter meter, TaskQueue queue, TimeProvider clock, CancellationToken cancellationToken)
        => SubmitAsync(db, me, meter, queue, clock, TaskTypes.Research, "Research: " + request.Topic!.Trim(), JsonSerializer.Serialize(request, TaskJson.Options), null, cancellationToken);

    private static async Task<Results<Accepted<TaskSubmitted>, ErrorResult>> SubmitAsync(
        ParleyDb db, CurrentUser me, UsageMeter meter, TaskQueue queue, TimeProvider clock, string type, string description, string request, string? dataset,
        CancellationToken cancellationToken)
    {
        var tenantId = me.RequiredTenantId;
        if (await meter.CheckAsync(tenantId, UsageMetrics.BackgroundTasks, cancellationToken) is { } over)
        {
            throw over;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var task = new BackgroundTask
        {
            Id = Guid.CreateVersion7(),
            TenantId = tenantId,
            UserId = me.UserId,
            TaskType = type,
            Description = description.Length <= 500 ? description : description[..500],
            Request = request,
            Dataset = dataset,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Set<BackgroundTask>().Add(task);
        await db.SaveChangesAsync(cancellationToken);
        await meter.CountAsync(tenantId, me.UserId, UsageMetrics.BackgroundTasks, 1, cancellationToken);
        queue.Submitted.Release();

        var ahead = await db.Set<BackgroundTask>().LongCountAsync(t => (t.Status == TaskStatuses.Submitted || t.Status == TaskStatuses.Running) && t.CreatedAt < now, cancellationToken);
        var estimate = ahead == 0 ? "under 1 minute" : $"about {ahead + 1} minutes ({ahead} task(s) ahead)";
        var id = TaskStatusView.PublicId(task.Id);
        return TypedResults.Accepted($"/api/v1/tasks/{id}/status",
            new TaskSubmitted(id, task.Id, TaskStatuses.Submitted, type, estimate, type == TaskTypes.Research ? "Research task started successfully" : "Analysis task started successfully", now));
    }

    private static Task<Results<PagedResult<TaskStatusView>, ErrorResult>> ListAsync(ParleyDb db, CurrentUser me, PageQuery query, CancellationToken cancellationToken)
        => ListSpec.ToPageAsync(Visible(db, me).AsNoTracking(), query, TaskStatusView.From, cancellationToken);

    private static async Task<Results<Ok<TaskStatusView>, ErrorResult>> StatusAsync(string id, ParleyDb db, CurrentUser me, CancellationToken cancellationToken)
        => await FindAsync(db, me, id, cancellationToken) is { } task ? TypedResults.Ok(TaskStatusView.From(task)) : ErrorResult.NotFound("Task");

    private static async Task<Results<Ok<TaskResultsView>, ErrorResult>> ResultsAsync(string id, ParleyDb db, CurrentUser me, CancellationToken cancellationToken)
    {
        if (await FindAsync(db, me, id, cancellationToken) is not { } task)
        {
            return ErrorResult.NotFound("Task");
        }

        if (task.Status != TaskStatuses.Completed || task.Result is null)
        {
            return ErrorResult.Conflict(task.Status == TaskStatuses.Failed
                ? $"The task failed: {task.Error}"
                : $"The task is {task.Status}; results are available once it has completed.");
        }

        var results = JsonSerializer.Deserialize<TaskResults>(task.Result, TaskJson.Options)!;
        return TypedResults.Ok(new TaskResultsView(TaskStatusView.PublicId(task.Id), task.Id, task.TaskType, task.Status, results, task.CompletedAt));
    }

    private static async Task<Results<Ok<TaskStatusView>, ErrorResult>> CancelAsync(string id, ParleyDb db, CurrentUser me, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await FindAsync(db, me, id, cancellationToken) is not { } task)
        {
            return ErrorResult.NotFound("Task");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        // Conditional, so a worker finishing at the same moment either wins or is told it lost.
        var cancelled = await Visible(db, me).Where(t => t.Id == task.Id && (t.Status == TaskStatuses.Submitted || t.Status == TaskStatuses.Running))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, TaskStatuses.Cancelled).SetProperty(t => t.CompletedAt, now).SetProperty(t => t.UpdatedAt, now)
                .SetProperty(t => t.LeaseOwner, (string?)null).SetProperty(t => t.LeaseExpiresAt, (DateTime?)null), cancellationToken);
        if (cancelled == 0)
        {
            return ErrorResult.Conflict($"The task has already {(await db.Set<BackgroundTask>().AsNoTracking().Where(t => t.Id == task.Id).Select(t => t.Status).FirstAsync(cancellationToken))}.");
        }

        return TypedResults.Ok(TaskStatusView.From((await FindAsync(db, me, id, cancellationToken))!));
    }

    private static IQueryable<BackgroundTask> Visible(ParleyDb db, CurrentUser me)
        => me.IsAdmin ? db.Set<BackgroundTask>() : db.Set<BackgroundTask>().Where(t => t.UserId == me.UserId);

    private static Task<BackgroundTask?> FindAsync(ParleyDb db, CurrentUser me, string id, CancellationToken cancellationToken)
    {
        var raw = id.StartsWith("task_", StringComparison.Ordinal) ? id[5..] : id;
        return Guid.TryParse(raw, out var guid)
            ? Visible(db, me).AsNoTracking().FirstOrDefaultAsync(t => t.Id == guid, cancellationToken)
            : Task.FromResult<BackgroundTask?>(null);
    }

    /// <summary>JSON body, or multipart form (<c>description</c>, <c>data_source</c>, <c>parameters</c> as JSON text, <c>file</c>).</summary>
    private static async Task<(AnalyzeRequest? Request, string? Dataset, ErrorResult? Error)> ReadAnalyzeAsync(
        HttpContext http, int maxBytes, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        if (http.Request.HasFormContentType)
        {
            var (form, unreadable) = await Infrastructure.Http.FormBodies.ReadAsync(http.Request, null, cancellationToken);
            if (form is null)
            {
                return (null, null, unreadable);
            }

            JsonElement? parameters = null;
            if (form["parameters"].ToString() is { Length: > 0 } text)
            {
                try
                {
                    parameters = JsonSerializer.Deserialize<JsonElement>(text);
                }
                catch (JsonException)
                {
                    return (null, null, ErrorResult.Validation("parameters", "Must be a JSON object."));
                }
            }

            string? dataset = null;
            if ((form.Files.GetFile("file") ?? (form.Files.Count > 0 ? form.Files[0] : null)) is { } file)
            {
                if (file.Length > maxBytes)
                {
                    return (null, null, ErrorResult.Status(413, $"Datasets are limited to {maxBytes} bytes."));
                }

                using var reader = new StreamReader(file.OpenReadStream(), Encoding.UTF8);
                dataset = await reader.ReadToEndAsync(cancellationToken);
            }

            var request = new AnalyzeRequest(NullIfEmpty(form["description"]), NullIfEmpty(form["data_source"]), parameters, null);
            return (request, dataset, null);
        }

        if (http.Request.HasJsonContentType())
        {
            var request = await http.Request.ReadFromJsonAsync<AnalyzeRequest>(json, cancellationToken);
            if (request is null)
            {
                return (null, null, ErrorResult.BadRequest("Send a JSON object."));
            }

            if (request.Dataset is { } text && Encoding.UTF8.GetByteCount(text) > maxBytes)
            {
                return (null, null, ErrorResult.Status(413, $"Datasets are limited to {maxBytes} bytes."));
            }

            return (request, request.Dataset, null);
        }

        return (null, null, ErrorResult.Status(415, "Send application/json or multipart/form-data."));
    }

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) => value.ToString() is { Length: > 0 } s ? s : null;
}
