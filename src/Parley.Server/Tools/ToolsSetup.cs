namespace Parley.Server.Tools;

public static class ToolsSetup
{
    public static WebApplicationBuilder AddParleyTools(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ToolOptions>().BindConfiguration(ToolOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IBuiltInTool, KnowledgeSearchTool>();
        services.AddSingleton<CustomToolRunner>();
        services.AddScoped<ToolRegistry>();
        services.AddSingleton<ToolCatalog>();
        services.AddSingleton<Infrastructure.Caching.ITenantCache>(sp => sp.GetRequiredService<ToolCatalog>());
        services.AddScoped<ToolExecutor>();
        services.AddScoped<ToolTurns>();
        services.AddScoped<IToolRouting>(sp => sp.GetRequiredService<ToolTurns>());
        return builder;
    }
}
