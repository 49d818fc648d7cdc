using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Json;

namespace Parley.Server.Infrastructure.Http;

public static class HttpSetup
{
    public static WebApplicationBuilder AddParleyHttp(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<HttpOptions>().BindConfiguration(HttpOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var http = builder.Configuration.GetSection(HttpOptions.Section).Get<HttpOptions>() ?? new HttpOptions();

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = http.MaxRequestBodyBytes;
        });
        builder.Services.ConfigureHttpJsonOptions(o => JsonSetup.Configure(o.SerializerOptions));
        // Minimal APIs only throw (and so reach ApiExceptionHandler with the failing field) when
        // this is on; otherwise a malformed body is a bare 400 with no explanation.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.AddProblemDetails();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddCors(o => o.AddDefaultPolicy(p =>
        {
            if (http.CorsOrigins.Length > 0)
            {
                p.WithOrigins(http.CorsOrigins).AllowAnyHeader().AllowAnyMethod().AllowCredentials()
                    .WithExposedHeaders("X-Request-ID", "X-Total-Count", "X-Page", "X-Page-Size", "X-Total-Pages", "X-Page-Count", "X-Current-Page",
                        "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After");
            }
        }));
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Empty lists would make the middleware trust every sender, so UseParleyHttp adds it
            // only when a proxy is configured. Addresses are read from the right and the first
            // one not sent by a trusted proxy is the client: chains of trusted proxies work.
            o.ForwardLimit = null;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in http.TrustedProxies)
            {
                if (IPAddress.TryParse(proxy, out var address))
                {
                    o.KnownProxies.Add(address);
                }
            }

            foreach (var network in http.TrustedNetworks)
            {
                if (System.Net.IPNetwork.TryParse(network, out var parsed))
                {
                    o.KnownIPNetworks.Add(parsed);
                }
            }
        });
        builder.Services.AddHsts(o => { o.MaxAge = TimeSpan.FromDays(365); o.IncludeSubDomains = true; });
        builder.AddParleyLogging();
        builder.Services.AddTransient<IStartupFilter, CurlJsonBodiesStartupFilter>();
        return builder;
    }

    /// <summary>The cross-cutting front of the pipeline, in order: ids, access log, errors, headers, CORS.</summary>
    public static WebApplication UseParleyHttp(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<HttpOptions>>().Value.TrustsProxies)
        {
            app.UseForwardedHeaders();
        }

        app.UseMiddleware<RequestIdMiddleware>();
        if (app.Services.GetRequiredService<IOptions<HttpOptions>>().Value.AccessLog)
        {
            app.UseHttpLogging();
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages(ctx =>
        {
            var response = ctx.HttpContext.Response;
            // Bodies are written only for responses that have none yet (401 challenges, 404 for
            // unknown routes, 405, 415...); handler-written errors already carry the envelope.
            return response.HasStarted || response.ContentLength > 0 || response.ContentType is not null
                ? Task.CompletedTask
                : ErrorWriter.WriteAsync(ctx.HttpContext, response.StatusCode);
        });
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseHsts();
        app.UseCors();
        return app;
    }
}
