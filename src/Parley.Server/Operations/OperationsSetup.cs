using Microsoft.OpenApi;
using Parley.Server.Infrastructure.Redis;
using Parley.Server.Operations.Metrics;
using Parley.Server.Operations.OpenApi;

namespace Parley.Server.Operations;

public static class OperationsSetup
{
    public static WebApplicationBuilder AddParleyOperations(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PrometheusMetrics>();
        var checks = builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        if (builder.Configuration.IsRedisConfigured())
        {
            checks.AddCheck<RedisHealthCheck>("redis");
        }

        builder.Services.AddOpenApi("v1", o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Parley API",
                    Version = OperationsApi.Version,
                    Description = "Self-hosted AI customer support and assistant platform.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "Access token from /auth/login, or an API key (prk_...).",
                };
                document.Components.SecuritySchemes["api_key"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = "X-API-Key",
                };
                document.Security = [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] },
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("api_key", document)] = [] },
                ];
                return Task.CompletedTask;
            });
            ParleyOpenApi.Configure(o);
        });
        return builder;
    }

    private const string RedocContentSecurityPolicy =
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

    /// <summary>/openapi.json, Swagger UI at /docs and ReDoc at /redoc (the Integration Platform document, Three-Database Chatbot).</summary>
    public static WebApplication UseParleyDocs(this WebApplication app)
    {
        app.MapOpenApi("/openapi.json").AllowAnonymous();
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.SwaggerEndpoint("/openapi.json", "Parley API");
            o.DocumentTitle = "Parley API";
        });
        // ReDoc's bundle comes from the Swashbuckle.AspNetCore.ReDoc package and is served from here;
        // the page is Parley's own (the package's loads Google Fonts), telemetry is off, and the
        // policy keeps the browser from fetching images, fonts or data elsewhere (the bundle shows a
        // logo and icons from Redocly's CDN and hides them when they fail to load): /redoc works offline.
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/redoc", StringComparison.OrdinalIgnoreCase),
            redoc => redoc.Use((context, next) =>
            {
                context.Response.Headers.ContentSecurityPolicy = RedocContentSecurityPolicy;
                return next(context);
            }));
        app.UseReDoc(o =>
        {
            o.RoutePrefix = "redoc";
            o.SpecUrl = "/openapi.json";
            o.DocumentTitle = "Parley API";
            o.IndexStream = () => typeof(OperationsSetup).Assembly.GetManifestResourceStream("Parley.Server.Operations.redoc-index.html")!;
            o.ConfigObject.AdditionalItems["disableTelemetry"] = true;
        });
        return app;
    }
}
