using Parley.Server.Tasks.Analysis;
using Parley.Server.Tasks.Datasets;
using Parley.Server.Tasks.Research;

namespace Parley.Server.Tasks;

public static class TasksSetup
{
    public static WebApplicationBuilder AddParleyTasks(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TaskOptions>().BindConfiguration(TaskOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DatasetOptions>().BindConfiguration(DatasetOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TaskQueue>();
        services.AddHostedService<TaskWorker>();
        services.AddScoped<TaskRunner>();
        services.AddScoped<ConversationFigures>();
        services.AddScoped<TicketFigures>();
        services.AddScoped<ResearchRunner>();
        services.AddSingleton<InsightWriter>();
        return builder;
    }
}
