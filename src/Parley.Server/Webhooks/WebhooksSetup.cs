using Parley.Server.Infrastructure.Events;

namespace Parley.Server.Webhooks;

public static class WebhooksSetup
{
    public static WebApplicationBuilder AddParleyWebhooks(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WebhookSubscriptions>();
        services.AddSingleton<Infrastructure.Caching.ITenantCache>(sp => sp.GetRequiredService<WebhookSubscriptions>());
        services.AddSingleton<WebhookSignal>();
        services.AddSingleton<IDomainEventSink, WebhookOutbox>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        return builder;
    }
}
