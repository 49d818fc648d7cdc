namespace Parley.Server.Assistants;

public static class AssistantsSetup
{
    public static WebApplicationBuilder AddParleyAssistants(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<AssistantDirectory>();
        builder.Services.AddSingleton<AssistantCache>();
        builder.Services.AddSingleton<Infrastructure.Caching.ITenantCache>(sp => sp.GetRequiredService<AssistantCache>());
        builder.Services.AddScoped<AssistantChanges>();
        return builder;
    }
}
