namespace Parley.Server.Understanding;

public static class UnderstandingSetup
{
    public static WebApplicationBuilder AddParleyUnderstanding(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<UnderstandingOptions>().BindConfiguration(UnderstandingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<TenantUnderstanding>();
        builder.Services.AddSingleton<IntentTraining>();
        return builder;
    }

    public static RouteGroupBuilder MapUnderstanding(this RouteGroupBuilder api)
    {
        api.MapIntents();
        api.MapLookups();
        api.MapRedaction();
        return api;
    }
}
