using Parley.Tests.Infrastructure;

namespace Parley.Tests.Integrations;

/// <summary>Parley on SQLite allowed to call 127.0.0.1 (the fakes), with short integration timeouts.</summary>
public class LoopbackToolsApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Parley:Outbound:Allow:0", "127.0.0.1"),
        new("Parley:Integrations:TimeoutSeconds", "2"),
        new("Parley:Integrations:RetryDelayMilliseconds", "10"),
    ];
}

/// <summary>The same on the real PostgreSQL.</summary>
public sealed class PostgresLoopbackToolsApp : LoopbackToolsApp
{
    public PostgresLoopbackToolsApp() => ConnectionString = PostgresDatabases.Create();

    public string ConnectionString { get; }

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [.. base.Settings(), new("Parley:Database:Postgres", ConnectionString)];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        PostgresDatabases.Drop(ConnectionString);
    }
}
