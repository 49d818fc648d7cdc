using Parley.Server.Tools;

namespace Parley.Server.Tickets;

public static class TicketsSetup
{
    public static WebApplicationBuilder AddParleyTickets(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<TicketService>();
        builder.Services.AddSingleton<IBuiltInTool, CreateTicketTool>();
        return builder;
    }
}
