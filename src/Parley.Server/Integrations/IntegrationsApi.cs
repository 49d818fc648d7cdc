using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Caching;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Outbound;
using Parley.Server.Infrastructure.Pagination;
using Parley.Server.Infrastructure.Secrets;
using Parley.Server.Infrastructure.Validation;
using Parley.Server.Storage;

namespace Parley.Server.Integrations;

/// <summary>
/// The Integration Platform document: <c>/integrations</c>. Admins and agents read (credentials never appear: only
/// <c>has_credentials</c>); only admins write and test. The list is Integration Platform's bare array, with the
/// paging figures in headers.
/// </summary>
public static class IntegrationsApi
{
    private static readonly ListSpec<Integration> ListSpec = new ListSpec<Integration>(i => i.Id)
        .SortBy("created_at", i => i.CreatedAt, isDefault: true)
        .SortBy("name", i => i.Name)
        .SortBy("last_sync", i => i.LastSync)
        .FilterBy("integration_type", v => IntegrationTypes.All.Contains(v) ? i => i.IntegrationType == v : null)
        .FilterBy("status", v => v is IntegrationStatus.Active or IntegrationStatus.Inactive or IntegrationStatus.Error ? i => i.Status == v : null)
        .SearchBy(term => i => i.Name.ToUpper().Contains(term.ToUpperInvariant()));

    public static RouteGroupBuilder MapIntegrations(this RouteGroupBuilder api)
    {
        // The Integration Platform's client lists "the user's integrations" as a plain user: a user sees the ones they
        // made (none: only admins make them), agents and admins the tenant's.
        var group = api.MapGroup("/integrations").WithTags("Integrations").AddEndpointFilter<ValidationFilter>();
        group.MapGet("", ListAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapPost("", CreateAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapPut("/{id:guid}", UpdateAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapPatch("/{id:guid}", UpdateAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapDelete("/{id:guid}", DeleteAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapPost("/{id:guid}/test", TestAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        return group;
    }

    private static IQueryable<Integration> Visible(ParleyDb db, CurrentUser me)
        => me.IsAgentOrAdmin ? db.Set<Integration>().AsNoTracking() : db.Set<Integration>().AsNoTracking().Where(i => i.CreatedBy == me.UserId);

    private static async Task<Results<ArrayPageResult<IntegrationView>, ErrorResult>> ListAsync(ParleyDb db, CurrentUser me, PageQuery query, CancellationToken cancellationToken)
    {
        var page = await ListSpec.ToPageAsync(Visible(db, me), query, IntegrationView.From, cancellationToken);
        return page.Result is PagedResult<IntegrationView> ok ? new ArrayPageResult<IntegrationView>(ok.Value) : (ErrorResult)page.Result;
    }

    private static async Task<Results<Ok<IntegrationView>, ErrorResult>> GetAsync(Guid id, ParleyDb db, CurrentUser me, CancellationToken cancellationToken)
        => await Visible(db, me).FirstOrDefaultAsync(i => i.Id == id, cancellationToken) is { } integration
            ? TypedResults.Ok(IntegrationView.From(integration))
            : ErrorResult.NotFound("Integration");

    private static async Task<Results<Created<IntegrationView>, ErrorResult>> CreateAsync(
        IntegrationRequest request, ParleyDb db, CurrentUser me, OutboundGuard guard, SecretProtector secrets, TimeProvider clock,
        TenantChanges changes, CancellationToken cancellationToken)
    {
        var type = request.EffectiveType!;
        var config = IntegrationConfig.Normalize(type, request.Config ?? []);
        if (IntegrationConfig.Check(type, config, guard).ToList() is { Count: > 0 } errors)
        {
            return ErrorResult.Validation(errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var integration = new Integration
        {
            Id = Guid.CreateVersion7(),
            TenantId = me.RequiredTenantId,
            Name = request.Name!.Trim(),
            IntegrationType = type,
            Status = request.Status ?? IntegrationStatus.Active,
            Config = config.ToJsonString(),
            Credentials = Protect(request.Credentials, secrets),
            CreatedBy = me.UserId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Add(integration);
        await db.SaveChangesAsync(cancellationToken);
        await changes.ChangedAsync(integration.TenantId, CancellationToken.None);
        return TypedResults.Created($"/api/v1/integrations/{integration.Id}", IntegrationView.From(integration));
    }

    /// <summary>
    /// Fields left out keep their value. <c>credentials</c> replaces the stored set (an empty object
    /// removes it); <c>config</c> replaces the settings and is checked again.
    /// </summary>
    private static Task<Results<Ok<IntegrationView>, ErrorResult>> UpdateAsync(
        Guid id, IntegrationUpdate request, ParleyDb db, OutboundGuard guard, SecretProtector secrets, TimeProvider clock,
        TenantChanges changes, CancellationToken cancellationToken)
        => changes.UpdateAsync(
            db, db.Set<Integration>().Where(i => i.Id == id), "Integration", integration => Apply(integration, request.Body, guard, secrets, clock),
            IntegrationView.From, cancellationToken);

    private static ErrorResult? Apply(Integration integration, IntegrationRequest body, OutboundGuard guard, SecretProtector secrets, TimeProvider clock)
    {
        if (body.EffectiveType is { } type && type != integration.IntegrationType)
        {
            return ErrorResult.Validation("integration_type", "The type of an integration cannot change; create a new one.");
        }

        if (body.Config is { } newConfig)
        {
            var config = IntegrationConfig.Normalize(integration.IntegrationType, newConfig);
            if (IntegrationConfig.Check(integration.IntegrationType, config, guard).ToList() is { Count: > 0 } errors)
            {
                return ErrorResult.Validation(errors);
            }

            integration.Config = config.ToJsonString();
        }

        if (body.Credentials is { } credentials)
        {
            integration.Credentials = Protect(credentials, secrets);
        }

        integration.Name = body.Name?.Trim() ?? integration.Name;
        integration.Status = body.Status ?? integration.Status;
        integration.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        return null;
    }

    private static Task<Results<NoContent, ErrorResult>> DeleteAsync(Guid id, ParleyDb db, TenantChanges changes, CancellationToken cancellationToken)
        => changes.DeleteAsync(db, db.Set<Integration>().Where(i => i.Id == id), "Integration", cancellationToken);

    private static async Task<Results<Ok<IntegrationTestResult>, ErrorResult>> TestAsync(
        Guid id, ParleyDb db, IntegrationCaller caller, TimeProvider clock, ILogger<IntegrationCaller> logger, TenantChanges changes,
        CancellationToken cancellationToken)
    {
        var integration = await db.Set<Integration>().FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (integration is null)
        {
            return ErrorResult.NotFound("Integration");
        }

        var result = await IntegrationService.TestAsync(integration, caller, clock, cancellationToken);
        logger.LogInformation("Integration {IntegrationId} test: {Success} {Reason}", integration.Id, result.Success, result.Reason);
        await db.SaveChangesAsync(cancellationToken);
        await changes.ChangedAsync(integration.TenantId, CancellationToken.None);
        return TypedResults.Ok(result);
    }

    private static string? Protect(JsonObject? credentials, SecretProtector secrets)
        => credentials is null || credentials.Count == 0 ? null : secrets.Protect(credentials.ToJsonString());
}

/// <summary>PUT and PATCH take the same fields as create, all optional.</summary>
public sealed record IntegrationUpdate(string? Name, string? IntegrationType, string? Type, string? Status, JsonObject? Config, JsonObject? Credentials) : IValidatable
{
    public IntegrationRequest Body => new(Name, IntegrationType, Type, Status, Config, Credentials);

    public IEnumerable<FieldError> Validate() => Body.ValidateFor(creating: false);
}
