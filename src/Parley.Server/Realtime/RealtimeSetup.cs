using Microsoft.Extensions.Options;
using Npgsql;
using Parley.Server.Storage;

namespace Parley.Server.Realtime;

public static class RealtimeSetup
{
    public static WebApplicationBuilder AddParleyRealtime(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RealtimeOptions>().BindConfiguration(RealtimeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ConversationEventHub>();
        services.AddSingleton<Infrastructure.Caching.TenantChanges>();
        services.AddSingleton<ConversationNotifier>();
        services.AddSingleton<Infrastructure.Events.IStoredEventHandler<Conversations.TurnStored>>(sp => sp.GetRequiredService<ConversationNotifier>());
        services.AddSingleton<Infrastructure.Events.IStoredEventHandler<Conversations.MessageStored>>(sp => sp.GetRequiredService<ConversationNotifier>());
        services.AddSingleton<Infrastructure.Events.ILiveSignals>(sp => sp.GetRequiredService<ConversationNotifier>());
        services.AddSingleton<SocketLimits>();
        services.AddSingleton<OpenSockets>();
        services.AddSingleton<Infrastructure.Events.ICredentialRevocations>(sp => sp.GetRequiredService<OpenSockets>());
        services.AddSingleton<SocketAuthentication>();
        // With PostgreSQL several instances may share the load: events cross over LISTEN/NOTIFY.
        services.AddSingleton(sp => NpgsqlDataSource.Create(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Postgres ?? string.Empty));
        services.AddSingleton<PostgresEventRelay>();
        services.AddSingleton<IEventRelay>(sp => sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.IsPostgres
            ? sp.GetRequiredService<PostgresEventRelay>()
            : new LocalOnlyRelay());
        services.AddSingleton<Infrastructure.Caching.ITenantChangeRelay>(sp => sp.GetRequiredService<IEventRelay>());
        services.AddHostedService<RelayListener>();
        return builder;
    }

    public static WebApplication UseParleyRealtime(this WebApplication app)
    {
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        return app;
    }

    /// <summary>
    /// Starts the PostgreSQL listener only when PostgreSQL is the database, and holds start-up until
    /// it listens: an instance that took requests before would miss what the others publish meanwhile
    /// (a socket's messages, a configuration change). If PostgreSQL does not answer in time the
    /// instance starts anyway and the listener keeps reconnecting.
    /// </summary>
    private sealed class RelayListener(IServiceProvider services, IOptions<DatabaseOptions> database, ILogger<RelayListener> logger) : IHostedService
    {
        private static readonly TimeSpan ListenWait = TimeSpan.FromSeconds(15);
        private PostgresEventRelay? _relay;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (!database.Value.IsPostgres)
            {
                return;
            }

            _relay = services.GetRequiredService<PostgresEventRelay>();
            await _relay.StartAsync(cancellationToken);
            try
            {
                await _relay.Listening.WaitAsync(ListenWait, cancellationToken);
            }
            catch (TimeoutException)
            {
                logger.LogWarning("Not yet listening for other instances' events after {Seconds} s; starting anyway", ListenWait.TotalSeconds);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => _relay?.StopAsync(cancellationToken) ?? Task.CompletedTask;
    }
}
