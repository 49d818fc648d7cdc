using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parley.Tests.Widget;

/// <summary>
/// A customer's website on 127.0.0.1 (a free port, so another origin than Parley's): pages a test
/// puts at a path, each with its own Content-Security-Policy, plus any stylesheet it needs.
/// </summary>
public sealed class HostSite : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (string Body, string Type, string? Csp)> _pages = new();

    private HostSite(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public string Origin => BaseAddress.GetLeftPart(UriPartial.Authority);

    public static async Task<HostSite> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var site = new HostSite(app);
        app.MapGet("/{**path}", (string? path, HttpContext http) =>
        {
            if (!site._pages.TryGetValue("/" + path, out var page))
            {
                return Results.NotFound();
            }

            if (page.Csp is not null)
            {
                http.Response.Headers.ContentSecurityPolicy = page.Csp;
            }

            return Results.Text(page.Body, page.Type);
        });
        await app.StartAsync();
        site.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        return site;
    }

    public string Put(string path, string body, string type = "text/html; charset=utf-8", string? csp = null)
    {
        _pages[path] = (body, type, csp);
        return new Uri(BaseAddress, path).ToString();
    }

    /// <summary>A plain page with the embed snippet (and optional settings script served from this site).</summary>
    public string Page(string path, Uri parley, string websiteToken, string? settings = null, string? head = null, string? csp = null)
    {
        var settingsTag = settings is null ? string.Empty : $"<script src=\"{Put(path + ".settings.js", settings, "text/javascript")}\"></script>";
        return Put(path, $"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>{head}</head>
            <body><h1>Our shop</h1><p>Welcome.</p>{settingsTag}
            <script src="{parley.GetLeftPart(UriPartial.Authority)}/widget.js" data-website-token="{websiteToken}" async></script></body></html>
            """, csp: csp);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
