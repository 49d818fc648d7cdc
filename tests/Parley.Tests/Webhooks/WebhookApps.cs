using Parley.Tests.Infrastructure;

namespace Parley.Tests.Webhooks;

/// <summary>Settings that let Parley call the local receiver and make retries wait milliseconds instead of minutes.</summary>
public static class WebhookTestSettings
{
    public static IEnumerable<KeyValuePair<string, string?>> All =>
    [
        new("Parley:Outbound:Allow:0", "127.0.0.1"),
        // 5 s, 5 min, 30 min... become 1 ms, 60 ms, 360 ms, 1.4 s...
        new("Parley:Webhooks:BackoffScale", "0.0002"),
        new("Parley:Webhooks:PollIntervalMilliseconds", "100"),
        // Long enough that a delivery on a busy CI machine is not cut short (tests count attempts), short for the stall test.
        new("Parley:Webhooks:TimeoutSeconds", "3"),
        new("Parley:Webhooks:DisableAfterConsecutiveFailures", "4"),
        new("Parley:Webhooks:SubscriptionCacheSeconds", "30"),
    ];
}

public sealed class WebhookSqliteApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => WebhookTestSettings.All;
}

public sealed class WebhookPostgresApp : ParleyApp
{
    public WebhookPostgresApp() => ConnectionString = PostgresDatabases.Create();

    public string ConnectionString { get; }

    protected override IEnumerable<KeyValuePair<string, string?>> Settings()
        => [.. WebhookTestSettings.All, new("Parley:Database:Postgres", ConnectionString)];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        PostgresDatabases.Drop(ConnectionString);
    }
}
