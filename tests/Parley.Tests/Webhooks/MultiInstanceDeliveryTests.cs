using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Webhooks;

/// <summary>Two Parley instances over one PostgreSQL drain one outbox: every delivery is sent once.</summary>
public sealed class MultiInstanceDeliveryTests : IAsyncLifetime
{
    private readonly string _database = PostgresDatabases.Create();
    private readonly string _shared = Directory.CreateTempSubdirectory("parley-shared-").FullName;
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
    private WebhookReceiver _receiver = null!;
    private SharedApp _first = null!;
    private SharedApp? _second;

    /// <summary>Instances that share a database share the secrets' key directory too (docs/configuration.md).</summary>
    public sealed class SharedApp(string database, string shared, string key) : ParleyApp
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [
            .. WebhookTestSettings.All,
            new("Parley:Database:Postgres", database),
            new("Parley:Auth:SigningKey", key),
            new("Parley:DataDir", shared),
            new("Parley:Secrets:KeyDirectory", Path.Combine(shared, "keys")),
        ];
    }

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _first = new SharedApp(_database, _shared, _key);
        await _first.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (_second is not null)
        {
            await _second.DisposeAsync();
        }

        await _first.DisposeAsync();
        await _receiver.DisposeAsync();
        PostgresDatabases.Drop(_database);
    }

    [Fact]
    public async Task Each_delivery_is_sent_once_although_two_workers_poll()
    {
        var admin = await _first.CreateTenantWithAdminAsync();
        var endpoint = _receiver.NewEndpoint(200);
        var (webhookId, secret) = await WebhookTests.SubscribeAsync(admin, _receiver.Url(endpoint), "conversation.created");
        _second = new SharedApp(_database, _shared, _key) { RegisterAdminOnStart = false };
        await _second.InitializeAsync();

        const int count = 30;
        var onSecond = _second.Authorized(admin.AccessToken);
        for (var i = 0; i < count; i++)
        {
            var client = i % 2 == 0 ? admin.Client : onSecond;
            await Json.ReadAsync(await client.PostAsJsonAsync("/sessions/create", new { }), 201);
        }

        var received = new List<ReceivedHook>();
        while (received.Count < count)
        {
            received.Add(await endpoint.NextAsync());
        }

        Assert.All(received, hook => WebhookTests.AssertSigned(hook, secret));
        Assert.Equal(count, received.Select(h => h.Id).Distinct().Count());
        // The receiver has the last delivery a moment before its worker records it as succeeded.
        var log = await Json.ReadAsync(await admin.Client.GetAsync($"/webhooks/{webhookId}/deliveries?size=100&filter[status]=succeeded"), 200);
        for (var wait = Stopwatch.StartNew(); log.GetProperty("total").GetInt32() < count && wait.Elapsed < TimeSpan.FromSeconds(10);)
        {
            await Task.Delay(50);
            log = await Json.ReadAsync(await admin.Client.GetAsync($"/webhooks/{webhookId}/deliveries?size=100&filter[status]=succeeded"), 200);
        }

        Assert.Equal(count, log.GetProperty("total").GetInt32());
        Assert.All(log.GetProperty("items").EnumerateArray(), d => Assert.Equal(1, d.GetProperty("attempts").GetInt32()));
        Assert.Equal(count, endpoint.Count);
    }
}
