using Parley.Server.Conversations;
using Parley.Server.Tools;

namespace Parley.Server.Handoff;

public static class HandoffSetup
{
    public static WebApplicationBuilder AddParleyHandoff(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<HandoffService>();
        builder.Services.AddScoped<ITurnEscalation>(sp => sp.GetRequiredService<HandoffService>());
        builder.Services.AddSingleton<IBuiltInTool, EscalateToHumanTool>();
        return builder;
    }
}
