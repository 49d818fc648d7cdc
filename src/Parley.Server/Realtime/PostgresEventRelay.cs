using System.Text;
using System.Text.Json;
using Npgsql;
using Parley.Server.Infrastructure.Events;

namespace Parley.Server.Realtime;

/// <summary>
/// Cross-instance events over PostgreSQL LISTEN/NOTIFY: each instance NOTIFYs what it publishes
/// and LISTENs for the others'. NOTIFY payloads are capped at 8000 bytes, so a large event
/// travels without its data and receivers fetch the message from the database by sequence.
/// Tenant configuration changes travel the same channel, so every instance's caches forget them.
/// </summary>
public sealed class PostgresEventRelay(NpgsqlDataSource dataSource, IServiceProvider services, ILogger<PostgresEventRelay> logger)
    : BackgroundService, IEventRelay
{
    public const string Channel = "parley_events";
    private const int MaxPayloadBytes = 7900;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Guid _instance = Guid.NewGuid();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once this instance LISTENs, i.e. hears every event and change other instances publish from then on.</summary>
    public Task Listening => _listening.Task;

    /// <summary>One of <see cref="Event"/> (a conversation event), <see cref="ChangedTenant"/> (a configuration change) or <see cref="Revoked"/> (credentials).</summary>
    private sealed record Envelope(Guid Origin, ConversationEvent? Event, Guid? ChangedTenant = null, Revocation? Revoked = null);

    public async ValueTask ForwardAsync(ConversationEvent e, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Serialize(new Envelope(_instance, e), Json);
        if (Encoding.UTF8.GetByteCount(payload) > MaxPayloadBytes)
        {
            var stub = JsonSerializer.SerializeToElement(new { truncated = true, sequence = e.Sequence });
            payload = JsonSerializer.Serialize(new Envelope(_instance, e with { Data = stub }), Json);
        }

        await NotifyAsync(payload, cancellationToken);
    }

    public async ValueTask ForwardTenantChangeAsync(Guid tenantId, CancellationToken cancellationToken)
        => await NotifyAsync(JsonSerializer.Serialize(new Envelope(_instance, null, tenantId), Json), cancellationToken);

    public async ValueTask ForwardRevocationAsync(Revocation revocation, CancellationToken cancellationToken)
        => await NotifyAsync(JsonSerializer.Serialize(new Envelope(_instance, null, null, revocation), Json), cancellationToken);

    private async Task NotifyAsync(string payload, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT pg_notify(@channel, @payload)");
        command.Parameters.AddWithValue("channel", Channel);
        command.Parameters.AddWithValue("payload", payload);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var hub = services.GetRequiredService<ConversationEventHub>();
        var changes = services.GetRequiredService<Infrastructure.Caching.TenantChanges>();
        var sockets = services.GetRequiredService<OpenSockets>();
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, args) => Receive(hub, changes, sockets, args.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                _listening.TrySetResult();

                delay = TimeSpan.FromSeconds(1);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
            {
                logger.LogWarning(e, "Lost the PostgreSQL event channel; reconnecting in {Delay}", delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromSeconds(Math.Min(30, delay.TotalSeconds * 2));
            }
        }
    }

    private void Receive(ConversationEventHub hub, Infrastructure.Caching.TenantChanges changes, OpenSockets sockets, string payload)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize<Envelope>(payload, Json);
            if (envelope is null || envelope.Origin == _instance)
            {
                return;
            }

            if (envelope.ChangedTenant is { } tenantId)
            {
                changes.ForgetHere(tenantId);
            }
            else if (envelope.Revoked is { } revocation)
            {
                sockets.CloseHere(revocation);
            }
            else if (envelope.Event is { } e)
            {
                hub.Deliver(e);
            }
        }
        catch (JsonException e)
        {
            logger.LogWarning(e, "Ignored a malformed event notification");
        }
    }
}
