using Parley.Server.Infrastructure.Events;

namespace Parley.Server.Notifications;

public static class NotificationsSetup
{
    public static WebApplicationBuilder AddParleyNotifications(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<NotificationPusher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NotificationPusher>());
        builder.Services.AddSingleton<IDomainEventSink, NotificationSink>();
        return builder;
    }
}
