namespace Parley.Server.Understanding;

public static class UnderstandingSetup
{
    public static WebApplicationBuilder AddParleyUnderstanding(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<UnderstandingOptions>().BindConfiguration(UnderstandingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<RedactionSettings>().BindConfiguration(RedactionSettings.Section)
            .Validate(r => (r.EnabledTypes ?? []).Concat(r.DisabledTypes).All(t => Parley.Engine.Redaction.PiiTypes.Normalize(t) is not null),
                "Parley:Redaction names an unknown PII type; see docs/configuration.md for the list.")
            .ValidateOnStart();
        builder.Services.AddSingleton<MessageAnalyzer>();
        builder.Services.AddHostedService<AnalyzerWarmUp>();
        builder.Services.AddSingleton<TenantUnderstanding>();
        builder.Services.AddSingleton<IMessageReader, MessageReader>();
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
