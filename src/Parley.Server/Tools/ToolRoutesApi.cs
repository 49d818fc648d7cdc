using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Caching;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Pagination;
using Parley.Server.Infrastructure.Validation;
using Parley.Server.Integrations;
using Parley.Server.Storage;

namespace Parley.Server.Tools;

/// <summary>
/// <c>/tools/routes</c>: intent → tool routing for the built-in engine, per assistant
/// (<c>assistant_id</c>) or for the whole tenant (no <c>assistant_id</c>). Assistant ids are not
/// checked against assistants (that feature is separate); a route for an unknown assistant is never used.
/// </summary>
public static class ToolRoutesApi
{
    private static readonly ListSpec<ToolRoute> ListSpec = new ListSpec<ToolRoute>(r => r.Id)
        .SortBy("created_at", r => r.CreatedAt, isDefault: true)
        .SortBy("intent", r => r.Intent)
        .FilterBy("assistant_id", v => v == "default" ? r => r.AssistantId == null : Guid.TryParse(v, out var id) ? r => r.AssistantId == id : null)
        .FilterBy("intent", v => r => r.Intent == v)
        .FilterBy("tool_id", v => r => r.ToolId == v);

    public static void MapToolRoutes(this RouteGroupBuilder tools)
    {
        tools.MapGet("/routes", ListAsync).RequireAuthorization(AuthSetup.Policies.Agent);
        tools.MapGet("/routes/{id:guid}", GetAsync).RequireAuthorization(AuthSetup.Policies.Agent);
        tools.MapPost("/routes", CreateAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        tools.MapPut("/routes/{id:guid}", UpdateAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        tools.MapDelete("/routes/{id:guid}", DeleteAsync).RequireAuthorization(AuthSetup.Policies.Admin);
    }

    private static Task<Results<PagedResult<ToolRouteView>, ErrorResult>> ListAsync(ParleyDb db, PageQuery query, CancellationToken cancellationToken)
        => ListSpec.ToPageAsync(db.Set<ToolRoute>().AsNoTracking(), query, ToolRouteView.From, cancellationToken);

    private static async Task<Results<Ok<ToolRouteView>, ErrorResult>> GetAsync(Guid id, ParleyDb db, CancellationToken cancellationToken)
        => await db.Set<ToolRoute>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken) is { } route
            ? TypedResults.Ok(ToolRouteView.From(route))
            : ErrorResult.NotFound("Tool route");

    private static async Task<Results<Created<ToolRouteView>, ErrorResult>> CreateAsync(
        ToolRouteRequest request, ParleyDb db, CurrentUser me, ToolRegistry registry, TimeProvider clock, TenantChanges changes, CancellationToken cancellationToken)
    {
        if (await CheckToolAsync(request, registry, cancellationToken) is { } problem)
        {
            return problem;
        }

        if (await db.Set<ToolRoute>().AnyAsync(r => r.AssistantId == request.AssistantId && r.Intent == request.Intent, cancellationToken))
        {
            return ErrorResult.Conflict("A route for this intent and assistant exists already; change it with PUT.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var route = new ToolRoute
        {
            Id = Guid.CreateVersion7(),
            TenantId = me.RequiredTenantId,
            AssistantId = request.AssistantId,
            Intent = request.Intent!.Trim(),
            ToolId = request.ToolId!,
            CreatedAt = now,
            UpdatedAt = now,
        };
        Apply(route, request);
        db.Add(route);
        await db.SaveChangesAsync(cancellationToken);
        await changes.ChangedAsync(route.TenantId, CancellationToken.None);
        return TypedResults.Created($"/api/v1/tools/routes/{route.Id}", ToolRouteView.From(route));
    }

    private static Task<Results<Ok<ToolRouteView>, ErrorResult>> UpdateAsync(
        Guid id, ToolRouteRequest request, ParleyDb db, ToolRegistry registry, TimeProvider clock, TenantChanges changes, CancellationToken cancellationToken)
        => changes.UpdateAsync(
            db, db.Set<ToolRoute>().Where(r => r.Id == id), "Tool route", async route =>
            {
                if (await CheckToolAsync(request, registry, cancellationToken) is { } problem)
                {
                    return problem;
                }

                route.AssistantId = request.AssistantId;
                route.Intent = request.Intent!.Trim();
                route.ToolId = request.ToolId!;
                route.UpdatedAt = clock.GetUtcNow().UtcDateTime;
                Apply(route, request);
                return null;
            },
            ToolRouteView.From, cancellationToken);

    private static Task<Results<NoContent, ErrorResult>> DeleteAsync(Guid id, ParleyDb db, TenantChanges changes, CancellationToken cancellationToken)
        => changes.DeleteAsync(db, db.Set<ToolRoute>().Where(r => r.Id == id), "Tool route", cancellationToken);

    /// <summary>The tool must be one the registry knows (integration tools whatever the tenant's integrations, so routes can be set up first).</summary>
    private static async Task<ErrorResult?> CheckToolAsync(ToolRouteRequest request, ToolRegistry registry, CancellationToken cancellationToken)
        => registry.IsSystemName(request.ToolId!) || await registry.FindAsync(request.ToolId!, cancellationToken) is not null
            ? null
            : ErrorResult.Validation("tool_id", $"No tool '{request.ToolId}'; see GET /tools.");

    private static void Apply(ToolRoute route, ToolRouteRequest request)
    {
        route.Keywords = new JsonArray([.. (request.Keywords ?? []).Select(k => (JsonNode)k.Trim())]).ToJsonString();
        route.Arguments = (request.Arguments ?? []).ToJsonString();
        route.ResponseTemplate = request.ResponseTemplate;
        route.MinConfidence = request.MinConfidence ?? 0;
    }
}

public sealed record ToolRouteRequest(
    Guid? AssistantId, string? Intent, string[]? Keywords, string? ToolId, JsonObject? Arguments, string? ResponseTemplate, double? MinConfidence) : IValidatable
{
    public IEnumerable<FieldError> Validate()
    {
        foreach (var e in Check.Required("intent", Intent).Concat(Check.MaxLength("intent", Intent, 100))
            .Concat(Check.Required("tool_id", ToolId)).Concat(Check.MaxLength("response_template", ResponseTemplate, 2000)))
        {
            yield return e;
        }

        if (Keywords is { } keywords && (keywords.Length > 50 || keywords.Any(k => string.IsNullOrWhiteSpace(k) || k.Length > 100)))
        {
            yield return new FieldError("keywords", "At most 50 non-empty phrases of at most 100 characters.");
        }

        if (MinConfidence is < 0 or > 1)
        {
            yield return new FieldError("min_confidence", "From 0 to 1.");
        }

        if (Arguments is not null && Arguments.ToJsonString().Length > 8000)
        {
            yield return new FieldError("arguments", "At most 8000 characters.");
        }
    }
}

public sealed record ToolRouteView(
    Guid Id, Guid? AssistantId, string Intent, IReadOnlyList<string> Keywords, string ToolId, JsonObject Arguments, string? ResponseTemplate,
    double MinConfidence, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static ToolRouteView From(ToolRoute r) => new(r.Id, r.AssistantId, r.Intent, ToolRouting.Keywords(r), r.ToolId, IntegrationConfig.Parse(r.Arguments),
        r.ResponseTemplate, r.MinConfidence, r.CreatedAt, r.UpdatedAt);
}

internal static class ToolRouting
{
    public static IReadOnlyList<string> Keywords(ToolRoute r)
    {
        try
        {
            return JsonSerializer.Deserialize<string[]>(r.Keywords) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
