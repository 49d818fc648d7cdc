using Microsoft.Extensions.Options;
using Npgsql;
using Parley.Server.Storage;

namespace Parley.Server.Realtime;

public static class RealtimeSetup
{
    public static WebApplicationBuilder AddParleyRealtime(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<ConversationEventHub>();
        services.AddSingleton<ConversationNotifier>();
        services.AddSingleton<SocketLimits>();
        services.AddSingleton<SocketAuthentication>();
        // With PostgreSQL several instances may share the load: events cross over LISTEN/NOTIFY.
        services.AddSingleton(sp => NpgsqlDataSource.Create(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Postgres ?? string.Empty));
        services.AddSingleton<PostgresEventRelay>();
        services.AddSingleton<IEventRelay>(sp => sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.IsPostgres
            ? sp.GetRequiredService<PostgresEventRelay>()
            : new LocalOnlyRelay());
        services.AddHostedService<RelayListener>();
        return builder;
    }

    public static WebApplication UseParleyRealtime(this WebApplication app)
    {
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        return app;
    }

    /// <summary>Starts the PostgreSQL listener only when PostgreSQL is the database.</summary>
    private sealed class RelayListener(IServiceProvider services, IOptions<DatabaseOptions> database) : IHostedService
    {
        private PostgresEventRelay? _relay;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (!database.Value.IsPostgres)
            {
                return Task.CompletedTask;
            }

            _relay = services.GetRequiredService<PostgresEventRelay>();
            return _relay.StartAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => _relay?.StopAsync(cancellationToken) ?? Task.CompletedTask;
    }
}
