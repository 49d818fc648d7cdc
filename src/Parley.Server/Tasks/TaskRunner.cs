using System.Text.Json;
using Parley.Server.Tasks.Analysis;
using Parley.Server.Tasks.Research;

namespace Parley.Server.Tasks;

/// <summary>Runs one claimed task: figures first, then the words written from them.</summary>
public sealed class TaskRunner(ConversationFigures conversations, TicketFigures tickets, InsightWriter writer, ResearchRunner research)
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
            DataSources.Dataset => CsvFigures.Compute(task.Dataset ?? throw new TaskInputException("No dataset was uploaded with this task.")),
            DataSources.Tickets => await tickets.ComputeAsync(task.TenantId, parameters, cancellationToken),
            _ => await conversations.ComputeAsync(parameters, task.UserId, cancellationToken),
        };
        return await writer.WriteAsync(task.Description, source, figures, cancellationToken);
    }
}
