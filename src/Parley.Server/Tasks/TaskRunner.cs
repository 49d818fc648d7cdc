using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Storage;
using Parley.Server.Tasks.Analysis;
using Parley.Server.Tasks.Datasets;
using Parley.Server.Tasks.Research;

namespace Parley.Server.Tasks;

/// <summary>Runs one claimed task: figures first, then the words written from them.</summary>
public sealed class TaskRunner(
    ParleyDb db, ConversationFigures conversations, TicketFigures tickets, InsightWriter writer, ResearchRunner research, IOptions<DatasetOptions> datasets)
{
    public async Task<TaskResults> RunAsync(BackgroundTask task, CancellationToken cancellationToken)
    {
        if (task.TaskType == TaskTypes.Research)
        {
            var request = JsonSerializer.Deserialize<ResearchRequest>(task.Request, TaskJson.Options)!;
            return await research.RunAsync(task.TenantId, request, cancellationToken);
        }

        var analyze = JsonSerializer.Deserialize<AnalyzeRequest>(task.Request, TaskJson.Options)!;
        var parameters = analyze.Parameters is { ValueKind: JsonValueKind.Object } p ? p : default;
        var source = analyze.DataSource is null or "csv" ? (task.Dataset is null ? DataSources.Conversations : DataSources.Dataset) : analyze.DataSource;
        var figures = source switch
        {
            DataSources.Dataset => DatasetFigures.Compute(
                DatasetTable.ParseCsv(task.Dataset ?? throw new TaskInputException("No dataset was uploaded with this task."), DatasetFigures.MaxRows), parameters),
            DataSources.Tickets => await tickets.ComputeAsync(task.TenantId, parameters, cancellationToken),
            DataSources.Conversations => await conversations.ComputeAsync(parameters, analyze.OwnConversations == true ? task.UserId : null, cancellationToken),
            _ => await RegisteredAsync(source, parameters, cancellationToken),
        };
        return await writer.WriteAsync(task.Description, source, figures, cancellationToken);
    }

    /// <summary>A dataset the tenant registered, read when the task runs (it may have been deleted since).</summary>
    private async Task<Figures> RegisteredAsync(string name, JsonElement parameters, CancellationToken cancellationToken)
    {
        var dataset = await db.Set<Dataset>().AsNoTracking().FirstOrDefaultAsync(d => d.Name == name, cancellationToken)
            ?? throw new TaskInputException($"The dataset '{name}' no longer exists.");
        return DatasetFigures.Compute(DatasetTable.Parse(dataset.Format, dataset.Content, datasets.Value.MaxRows), parameters);
    }
}
