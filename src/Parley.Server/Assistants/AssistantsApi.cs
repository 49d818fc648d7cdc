using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Pagination;
using Parley.Server.Storage;

namespace Parley.Server.Assistants;

/// <summary>Document 003: <c>/assistants</c>. Everyone in a tenant reads its assistants; admins change them.</summary>
public static class AssistantsApi
{
    private static readonly ListSpec<Assistant> ListSpec = new ListSpec<Assistant>(a => a.Id)
        .SortBy("created_at", a => a.CreatedAt, isDefault: true, defaultDescending: true)
        .SortBy("updated_at", a => a.UpdatedAt)
        .SortBy("name", a => a.Name)
        .SortBy("status", a => a.Status)
        .SortBy("category", a => a.Category)
        .FilterBy("status", v => AssistantStatus.All.Contains(v) ? a => a.Status == v : null)
        .FilterBy("category", v => a => a.Category == v)
        .FilterBy("is_default", v => bool.TryParse(v, out var b) ? a => a.IsDefault == b : null)
        .SearchBy(term =>
        {
            var t = term.ToUpperInvariant();
            return a => a.Name.ToUpper().Contains(t) || (a.Description != null && a.Description.ToUpper().Contains(t));
        });

    public static RouteGroupBuilder MapAssistants(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/assistants").WithTags("Assistants");
        group.MapGet("", ListAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapPost("", CreateAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapPut("/{id:guid}", UpdateAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapPatch("/{id:guid}", UpdateAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapDelete("/{id:guid}", DeleteAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        return group;
    }

    /// <summary>003 filters with plain <c>status</c> and <c>category</c> parameters as well as <c>filter[...]</c>.</summary>
    private static async Task<Results<PagedResult<AssistantView>, ErrorResult>> ListAsync(
        ParleyDb db, CurrentUser me, AssistantDirectory directory, PageQuery query, string? status, string? category, CancellationToken cancellationToken)
    {
        if (status is not null && !AssistantStatus.All.Contains(status))
        {
            return ErrorResult.InvalidQuery([new FieldError("status", $"One of: {string.Join(", ", AssistantStatus.All)}.")]);
        }

        await directory.DefaultAsync(me.RequiredTenantId, cancellationToken);
        var rows = db.Set<Assistant>().AsNoTracking();
        if (status is not null)
        {
            rows = rows.Where(a => a.Status == status);
        }

        if (category is not null)
        {
            rows = rows.Where(a => a.Category == category);
        }

        var showPrompt = me.IsAgentOrAdmin;
        return await ListSpec.ToPageAsync(rows, query, a => AssistantView.From(a, showPrompt), cancellationToken);
    }

    private static async Task<Results<Ok<AssistantView>, ErrorResult>> GetAsync(Guid id, ParleyDb db, CurrentUser me, CancellationToken cancellationToken)
        => await db.Set<Assistant>().AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken) is { } assistant
            ? TypedResults.Ok(AssistantView.From(assistant, me.IsAgentOrAdmin))
            : ErrorResult.NotFound("Assistant");

    private static async Task<Results<Created<AssistantView>, ErrorResult>> CreateAsync(
        AssistantRequest request, AssistantChanges changes, Tools.ToolRegistry tools, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            return ErrorResult.Validation("name", "Field required.");
        }

        var (resolved, error) = await WithToolIdsAsync(request, tools, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        request = resolved;
        var assistant = await changes.CreateAsync(request, cancellationToken);
        return TypedResults.Created($"/api/v1/assistants/{assistant.Id}", AssistantView.From(assistant));
    }

    private static async Task<Results<Ok<AssistantView>, ErrorResult>> UpdateAsync(
        Guid id, AssistantRequest request, ParleyDb db, AssistantChanges changes, Tools.ToolRegistry tools, CancellationToken cancellationToken)
    {
        if (await db.Set<Assistant>().FirstOrDefaultAsync(a => a.Id == id, cancellationToken) is not { } assistant)
        {
            return ErrorResult.NotFound("Assistant");
        }

        var (resolved, error) = await WithToolIdsAsync(request, tools, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        request = resolved;

        if (request.IsDefault == false && assistant.IsDefault)
        {
            return ErrorResult.Conflict("The tenant needs a default assistant: make another one the default instead.");
        }

        await changes.UpdateAsync(assistant, request, cancellationToken);
        return TypedResults.Ok(AssistantView.From(assistant));
    }

    /// <summary>The request with its tools named by id; a 422 listing the available tools when one does not exist.</summary>
    private static async Task<(AssistantRequest Request, ErrorResult? Error)> WithToolIdsAsync(
        AssistantRequest request, Tools.ToolRegistry tools, CancellationToken cancellationToken)
    {
        if (request.Tools is not { Count: > 0 } names)
        {
            return (request, null);
        }

        var (ids, error) = await tools.ResolveAsync("tools", names, cancellationToken);
        return error is null ? (request with { Tools = ids }, null) : (request, ErrorResult.Validation([error]));
    }

    private static async Task<Results<NoContent, ErrorResult>> DeleteAsync(Guid id, ParleyDb db, AssistantChanges changes, CancellationToken cancellationToken)
    {
        if (await db.Set<Assistant>().FirstOrDefaultAsync(a => a.Id == id, cancellationToken) is not { } assistant)
        {
            return ErrorResult.NotFound("Assistant");
        }

        if (assistant.IsDefault)
        {
            return ErrorResult.Conflict("The default assistant cannot be deleted: make another one the default first.");
        }

        await changes.DeleteAsync(assistant, cancellationToken);
        return TypedResults.NoContent();
    }
}
