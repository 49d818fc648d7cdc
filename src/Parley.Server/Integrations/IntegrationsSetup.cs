namespace Parley.Server.Integrations;

public static class IntegrationsSetup
{
    public static WebApplicationBuilder AddParleyIntegrations(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<IntegrationOptions>().BindConfiguration(IntegrationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IntegrationCaller>();
        builder.Services.AddScoped<IntegrationService>();
        return builder;
    }
}
