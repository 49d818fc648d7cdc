using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parley.Tests.Webhooks;

/// <summary>What an endpoint answers: a status per attempt (the last repeats), or it stalls, or redirects.</summary>
public sealed record ReceiverScript(int[] Statuses, bool Stall = false, string? RedirectTo = null);

public sealed record ReceivedHook(string Path, string? Id, string? Timestamp, string? Signature, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
    public string? Event => Json.GetProperty("event").GetString();
}

/// <summary>
/// A webhook receiver on 127.0.0.1 (a free port): each test gets its own path
/// (<see cref="NewEndpoint"/>) with its own script, and reads what arrived there.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Endpoint> _endpoints = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public sealed class Endpoint(string path, ReceiverScript script)
    {
        private int _count;

        public string Path { get; } = path;
        public ReceiverScript Script { get; set; } = script;
        public Channel<ReceivedHook> Arrivals { get; } = Channel.CreateUnbounded<ReceivedHook>();
        public ConcurrentQueue<ReceivedHook> All { get; } = new();
        public int Count => _count;

        internal int NextStatus()
        {
            var n = Interlocked.Increment(ref _count) - 1;
            return Script.Statuses[Math.Min(n, Script.Statuses.Length - 1)];
        }

        /// <summary>The next request that arrived here; fails after 20 s.</summary>
        public async Task<ReceivedHook> NextAsync(Func<ReceivedHook, bool>? where = null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (true)
            {
                var hook = await Arrivals.Reader.ReadAsync(timeout.Token);
                if (where?.Invoke(hook) ?? true)
                {
                    return hook;
                }
            }
        }
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook/{name}", receiver.HandleAsync);
        await app.StartAsync();
        receiver.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        return receiver;
    }

    public Endpoint NewEndpoint(params int[] statuses) => Add(new ReceiverScript(statuses.Length == 0 ? [200] : statuses));

    public Endpoint Add(ReceiverScript script)
    {
        var path = "/hook/" + Guid.NewGuid().ToString("N")[..12];
        var endpoint = new Endpoint(path, script);
        _endpoints[path] = endpoint;
        return endpoint;
    }

    public string Url(Endpoint endpoint) => new Uri(BaseAddress, endpoint.Path).ToString();

    private async Task HandleAsync(HttpContext http)
    {
        var body = await new StreamReader(http.Request.Body).ReadToEndAsync(http.RequestAborted);
        var path = http.Request.Path.Value!;
        var hook = new ReceivedHook(path, http.Request.Headers["webhook-id"], http.Request.Headers["webhook-timestamp"], http.Request.Headers["webhook-signature"], body);
        if (!_endpoints.TryGetValue(path, out var endpoint))
        {
            http.Response.StatusCode = 404;
            return;
        }

        endpoint.All.Enqueue(hook);
        endpoint.Arrivals.Writer.TryWrite(hook);
        if (endpoint.Script.Stall)
        {
            await Task.Delay(Timeout.Infinite, http.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        if (endpoint.Script.RedirectTo is { } target)
        {
            http.Response.StatusCode = 302;
            http.Response.Headers.Location = target;
            return;
        }

        http.Response.StatusCode = endpoint.NextStatus();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
