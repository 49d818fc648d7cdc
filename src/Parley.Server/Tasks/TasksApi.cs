using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Pagination;
using Parley.Server.Plans;
using Parley.Server.Storage;
using Parley.Server.Tasks.Analysis;
using Parley.Server.Tasks.Datasets;

namespace Parley.Server.Tasks;

/// <summary>
/// Three-Database Chatbot <c>/tasks/*</c>. Everyone may run research and analyse a CSV they upload; analysing the
/// tenant's own data (conversations, tickets) takes an agent or admin. Admins see every task of
/// their tenant, others their own. Ids are accepted as <c>task_{uuid}</c> (Three-Database Chatbot) or a bare uuid.
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
        group.MapPost("/analyze", AnalyzeAsync).Accepts<AnalyzeRequest>("application/json", "multipart/form-data", "application/x-www-form-urlencoded");
        group.MapPost("/research", ResearchAsync);
        group.MapGet("", ListAsync);
        group.MapGet("/{id}", StatusAsync);
        group.MapGet("/{id}/status", StatusAsync);
        group.MapGet("/{id}/results", ResultsAsync);
        group.MapPost("/{id}/cancel", CancelAsync);
        group.MapDelete("/{id}", CancelAsync);
        return group;
    }

    private static async Task<Results<Ok<TaskSubmitted>, ErrorResult>> AnalyzeAsync(
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

        var (source, unknown) = await ResolveSourceAsync(db, request.DataSource, dataset is not null, cancellationToken);
        if (unknown is not null)
        {
            return unknown;
        }

        if (source == DataSources.Dataset && dataset is null)
        {
            return ErrorResult.Validation("dataset", "Upload a CSV (multipart field 'file', or 'dataset' as text) to analyse a dataset.");
        }

        // A plain user's analysis of conversations covers only their own (Three-Database Chatbot's description-only request).
        var own = source == DataSources.Conversations && !me.IsAgentOrAdmin;
        if (source == DataSources.Tickets && !me.IsAgentOrAdmin)
        {
            return ErrorResult.Forbidden("Analysing the tenant's data takes an agent or admin; upload a dataset to analyse your own data.");
        }

        if (source == DataSources.Tickets && !await tickets.AvailableAsync(cancellationToken))
        {
            return ErrorResult.Validation("data_source", "Tickets are not available on this server.");
        }

        var stored = request with { Dataset = null, DataSource = source, OwnConversations = own ? true : null };
        return await SubmitAsync(db, me, meter, queue, clock, TaskTypes.Analysis, request.Description!.Trim(), JsonSerializer.Serialize(stored, TaskJson.Options), dataset, cancellationToken);
    }

    private static Task<Results<Ok<TaskSubmitted>, ErrorResult>> ResearchAsync(
        ResearchRequest request, ParleyDb db, CurrentUser me, UsageMeter meter, TaskQueue queue, TimeProvider clock, CancellationToken cancellationToken)
        => SubmitAsync(db, me, meter, queue, clock, TaskTypes.Research, "Research: " + request.Topic!.Trim(), JsonSerializer.Serialize(request, TaskJson.Options), null, cancellationToken);

    private static async Task<Results<Ok<TaskSubmitted>, ErrorResult>> SubmitAsync(
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
        // 200, not 202: Three-Database Chatbot's own client treats anything but 200 as a failure (docs/api-conventions.md).
        return TypedResults.Ok(
            new TaskSubmitted(id, task.Id, TaskStatuses.Submitted, type, estimate, type == TaskTypes.Research ? "Research task started successfully" : "Analysis task started successfully", now));
    }

    /// <summary>
    /// A built-in source, or a dataset the tenant registered (by name). Without <c>data_source</c>: the
    /// uploaded CSV if any, else the tenant's only registered dataset when it has exactly one, else conversations.
    /// </summary>
    private static async Task<(string Source, ErrorResult? Error)> ResolveSourceAsync(ParleyDb db, string? requested, bool uploaded, CancellationToken cancellationToken)
    {
        if (requested is not null && requested != "csv" && DataSources.All.Contains(requested))
        {
            return (requested, null);
        }

        if (requested is null or "csv")
        {
            if (uploaded || requested == "csv")
            {
                return (DataSources.Dataset, null);
            }

            var only = await db.Set<Dataset>().AsNoTracking().Select(d => d.Name).Take(2).ToListAsync(cancellationToken);
            return (only.Count == 1 ? only[0] : DataSources.Conversations, null);
        }

        if (await db.Set<Dataset>().AsNoTracking().AnyAsync(d => d.Name == requested, cancellationToken))
        {
            return (requested, null);
        }

        var names = await db.Set<Dataset>().AsNoTracking().OrderBy(d => d.Name).Select(d => d.Name).Take(50).ToListAsync(cancellationToken);
        var registered = names.Count == 0
            ? "no datasets are registered (upload one with POST /api/v1/datasets)"
            : "or a registered dataset: " + string.Join(", ", names);
        return (requested, ErrorResult.Validation("data_source", $"Unknown data source '{requested}'. One of: {string.Join(", ", DataSources.All)}; {registered}."));
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
        if (http.Request.HasFormContentType && await LooksLikeJsonAsync(http.Request, cancellationToken))
        {
            // What `curl -d '{"description": ...}'` sends (Three-Database Chatbot's example): JSON labelled as a form. Read it as the JSON it is.
            return await ReadJsonAsync(http.Request, maxBytes, json, cancellationToken);
        }

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
            return await ReadJsonAsync(http.Request, maxBytes, json, cancellationToken);
        }

        return (null, null, ErrorResult.Status(415, "Send application/json or multipart/form-data."));
    }

    private static async Task<(AnalyzeRequest? Request, string? Dataset, ErrorResult? Error)> ReadJsonAsync(
        HttpRequest http, int maxBytes, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        var request = await JsonSerializer.DeserializeAsync<AnalyzeRequest>(http.Body, json, cancellationToken);
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

    /// <summary>Only URL-encoded bodies are sniffed (a multipart body is never JSON); the body is buffered so the form reader can read it after.</summary>
    private static async Task<bool> LooksLikeJsonAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        if (!(http.ContentType ?? string.Empty).StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        http.EnableBuffering();
        var buffer = new byte[64];
        var read = await http.Body.ReadAsync(buffer, cancellationToken);
        http.Body.Position = 0;
        var start = Encoding.UTF8.GetString(buffer, 0, read).TrimStart();
        return start.StartsWith('{');
    }

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) => value.ToString() is { Length: > 0 } s ? s : null;
}
