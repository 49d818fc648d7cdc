using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parley.Tests.Integrations;

public sealed record UpstreamRequest(string Method, string Path, string Query, string? Authorization, IReadOnlyDictionary<string, string> Headers, JsonNode? Body);

/// <summary>
/// A real HTTP server on 127.0.0.1 (a free port) that records every request. Under <c>/slow/</c>
/// it never answers (for timeouts); <see cref="FailNext"/> makes the next requests answer an error
/// status first (for retries).
/// </summary>
public abstract class FakeUpstream : IAsyncLifetime
{
    private WebApplication? _app;
    private int _failures;
    private int _failStatus;

    public ConcurrentQueue<UpstreamRequest> Requests { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public string Url(string path = "") => BaseAddress.ToString().TrimEnd('/') + path;

    public void FailNext(int count, int status)
    {
        _failStatus = status;
        Interlocked.Exchange(ref _failures, count);
    }

    public IReadOnlyList<UpstreamRequest> RequestsTo(string pathPrefix) => Requests.Where(r => r.Path.StartsWith(pathPrefix, StringComparison.Ordinal)).ToList();

    protected abstract void Map(WebApplication app);

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        app.Use(async (http, next) =>
        {
            http.Request.EnableBuffering();
            using var reader = new StreamReader(http.Request.Body, leaveOpen: true);
            var raw = await reader.ReadToEndAsync();
            http.Request.Body.Position = 0;
            Requests.Enqueue(new UpstreamRequest(http.Request.Method, http.Request.Path, http.Request.QueryString.Value ?? "",
                http.Request.Headers.Authorization.FirstOrDefault(), http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                raw.Length == 0 ? null : JsonNode.Parse(raw)));
            if (http.Request.Path.StartsWithSegments("/slow"))
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }

                return;
            }

            if (Interlocked.Decrement(ref _failures) >= 0)
            {
                http.Response.StatusCode = _failStatus;
                await http.Response.WriteAsJsonAsync(new { message = "Service temporarily unavailable" });
                return;
            }

            await next(http);
        });
        Map(app);
        await app.StartAsync();
        _app = app;
        BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
