using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Parley.Server.Infrastructure.RateLimiting;
using Parley.Server.Storage;
using Parley.Server.Tenants;

namespace Parley.Server.Widget;

/// <summary>
/// widget.js (plain JavaScript, no build step: it is an embedded resource of the server, so
/// <c>dotnet run</c> needs only the SDK), served gzipped to clients that accept it, and /demo.
/// </summary>
public sealed class WidgetAssets
{
    public WidgetAssets()
    {
        Script = Read("widget.js");
        ScriptGzip = Gzip(Script);
        ETag = "\"" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Script))[..16] + "\"";
        DemoPage = Encoding.UTF8.GetString(Read("demo.html"));
    }

    public byte[] Script { get; }
    public byte[] ScriptGzip { get; }
    public string ETag { get; }
    public string DemoPage { get; }

    private static byte[] Read(string name)
    {
        using var stream = typeof(WidgetAssets).Assembly.GetManifestResourceStream($"Parley.Server.Widget.Assets.{name}")
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}

public static class WidgetAssetsApi
{
    public static WebApplication MapWidgetAssets(this WebApplication app)
    {
        var group = app.MapGroup("").AllowAnonymous().RequireRateLimit(RateLimitPolicies.None).ExcludeFromDescription();
        group.MapGet("/widget.js", ServeScript);
        if (app.Services.GetRequiredService<IOptions<WidgetOptions>>().Value.Demo)
        {
            group.MapGet("/demo", DemoAsync);
        }

        return app;
    }

    private static IResult ServeScript(HttpContext http, WidgetAssets assets, IOptions<WidgetOptions> options)
    {
        var response = http.Response;
        response.Headers.CacheControl = $"public, max-age={options.Value.ScriptCacheSeconds}";
        response.Headers.ETag = assets.ETag;
        response.Headers.Vary = "Accept-Encoding";
        // A script tag on any site loads it; nothing in it is secret.
        response.Headers["Cross-Origin-Resource-Policy"] = "cross-origin";
        if (http.Request.Headers.IfNoneMatch.ToString() == assets.ETag)
        {
            return TypedResults.StatusCode(304);
        }

        if (http.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            response.Headers.ContentEncoding = "gzip";
            return TypedResults.Bytes(assets.ScriptGzip, "text/javascript; charset=utf-8");
        }

        return TypedResults.Bytes(assets.Script, "text/javascript; charset=utf-8");
    }

    private static async Task<IResult> DemoAsync(HttpContext http, ParleyDb db, WidgetAssets assets, CancellationToken cancellationToken)
    {
        var token = await db.Set<WidgetChannel>().IgnoreQueryFilters().AsNoTracking()
            .Where(c => c.TenantId == Tenant.PlatformId && c.IsDefault && c.IsActive).Select(c => c.WebsiteToken).FirstOrDefaultAsync(cancellationToken);
        if (token is null)
        {
            return Infrastructure.Errors.ErrorResult.NotFound("Default widget channel (Parley:Widget:CreateDefaultChannel is off, or it was deleted)");
        }

        var own = WidgetOrigins.Own(http.Request);
        var socket = own.Replace("http", "ws", StringComparison.Ordinal);
        http.Response.Headers.ContentSecurityPolicy =
            $"default-src 'none'; script-src {own}; connect-src {own} {socket}; style-src 'unsafe-inline'; img-src {own} data:; frame-ancestors 'none'";
        var html = assets.DemoPage.Replace("{{WEBSITE_TOKEN}}", WebUtility.HtmlEncode(token), StringComparison.Ordinal)
            .Replace("{{ORIGIN}}", WebUtility.HtmlEncode(own), StringComparison.Ordinal);
        return TypedResults.Content(html, "text/html; charset=utf-8");
    }
}
