using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.RateLimiting;
using Parley.Server.Infrastructure.Secrets;
using Parley.Server.Storage;
using Parley.Server.Tenants;
using Parley.Server.Users;

namespace Parley.Server.Widget;

public static class WidgetSetup
{
    public const string VisitorsRateLimit = RateLimitPolicies.WidgetVisitors;

    public static WebApplicationBuilder AddParleyWidget(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<WidgetOptions>().BindConfiguration(WidgetOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WidgetDirectory>();
        services.AddSingleton<Realtime.IVisitorGate, WidgetVisitorGate>();
        services.AddSingleton<WidgetAssets>();
        services.AddAuthorizationBuilder()
            .AddPolicy(WidgetApi.VisitorPolicy, p => p.RequireAuthenticatedUser().RequireClaim(ParleyClaims.Role, Roles.Visitor));
        services.Configure<OpenApiOptions>("v1", o => o.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<WidgetOperationMetadata>().FirstOrDefault() is { } op)
            {
                // The API is served twice (/api/v1 and the root path); operation ids must stay unique.
                var root = !(context.Description.RelativePath ?? string.Empty).StartsWith("api/v1/", StringComparison.Ordinal);
                operation.OperationId = root ? op.Id + "Root" : op.Id;
                operation.Summary = op.Summary;
            }

            return Task.CompletedTask;
        }));
        return builder;
    }

    /// <summary>CORS preflights of widget routes, before the general CORS middleware answers them.</summary>
    public static WebApplication UseParleyWidgetCors(this WebApplication app)
    {
        app.UseMiddleware<WidgetCors>();
        return app;
    }

    /// <summary>Visitor tokens reach only widget routes, from allowed origins (after authentication).</summary>
    public static WebApplication UseParleyVisitorGate(this WebApplication app)
    {
        app.UseMiddleware<VisitorGate>();
        return app;
    }

    public static TBuilder WithOperation<TBuilder>(this TBuilder builder, string id, string summary) where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new WidgetOperationMetadata(id, summary)).WithSummary(summary);

    /// <summary>Gives the platform tenant its default channel on first run (see <see cref="WidgetOptions.CreateDefaultChannel"/>).</summary>
    public static async Task EnsureDefaultWidgetChannelAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var options = services.GetRequiredService<IOptions<WidgetOptions>>().Value;
        if (!options.CreateDefaultChannel)
        {
            return;
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        if (await db.Set<WidgetChannel>().IgnoreQueryFilters().AnyAsync(c => c.TenantId == Tenant.PlatformId && c.IsDefault, cancellationToken))
        {
            return;
        }

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        db.Add(new WidgetChannel
        {
            Id = Guid.CreateVersion7(),
            TenantId = Tenant.PlatformId,
            Name = "Default website",
            WebsiteToken = WidgetTokens.NewWebsiteToken(),
            SecretProtected = scope.ServiceProvider.GetRequiredService<SecretProtector>().Protect(WidgetTokens.NewSecret()),
            Greeting = "Hi! Ask me anything, or ask for a person at any time.",
            AllowedOrigins = JsonSerializer.Serialize(options.DefaultChannelOrigins.Select(WidgetOrigins.Normalize).Distinct().ToArray()),
            IsDefault = true,
            CreatedAt = now,
            UpdatedAt = now,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another instance starting at the same moment made it (the unique index on the default allows one).
            if (!await db.Set<WidgetChannel>().IgnoreQueryFilters().AsNoTracking().AnyAsync(c => c.TenantId == Tenant.PlatformId && c.IsDefault, cancellationToken))
            {
                throw;
            }
        }
    }
}

public sealed record WidgetOperationMetadata(string Id, string Summary);
