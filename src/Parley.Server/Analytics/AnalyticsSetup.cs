namespace Parley.Server.Analytics;

public static class AnalyticsSetup
{
    public static WebApplicationBuilder AddParleyAnalytics(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<RollupService>();
        builder.Services.AddHostedService<RollupWorker>();
        return builder;
    }
}
