namespace Parley.Server.Plans;

public static class PlansSetup
{
    public static WebApplicationBuilder AddParleyPlans(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PlanOptions>().BindConfiguration(PlanOptions.Section).ValidateDataAnnotations()
            .Validate(o => new[] { o.Free, o.Pro, o.Enterprise }.All(l => l.MessagesPerMonth >= 0 && l.BackgroundTasksPerMonth >= 0 && l.ApiCallsPerDay >= 0 && l.ConcurrentTasks is >= 1 and <= 1000),
                "Parley:Plans limits must be >= 0 (0 = unlimited) and ConcurrentTasks 1-1000.")
            .ValidateOnStart();
        builder.Services.AddSingleton<UsageMeter>();
        builder.Services.AddHostedService<UsageFlusher>();
        return builder;
    }

    /// <summary>After authentication: counts API calls and refuses chat turns over quota.</summary>
    public static WebApplication UseParleyPlans(this WebApplication app)
    {
        app.UseMiddleware<QuotaMiddleware>();
        return app;
    }
}
