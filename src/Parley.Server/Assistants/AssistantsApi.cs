using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Pagination;
using Parley.Server.Storage;

namespace Parley.Server.Assistants;

/// <summary>
/// The AI Assistant Platform document: <c>/assistants</c>, for every role. Agents and admins read and change all of the
/// tenant's assistants; a user reads the tenant's shared ones and their own, and changes only their
/// own (which stay private to them). Choosing the tenant's default is for agents and admins.
/// </summary>
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
        group.MapPost("", CreateAsync);
        group.MapPut("/{id:guid}", UpdateAsync);
        group.MapPatch("/{id:guid}", UpdateAsync);
        group.MapDelete("/{id:guid}", DeleteAsync);
        return group;
    }

    /// <summary>AI Assistant Platform filters with plain <c>status</c> and <c>category</c> parameters as well as <c>filter[...]</c>.</summary>
    private static async Task<Results<PagedResult<AssistantView>, ErrorResult>> ListAsync(
        ParleyDb db, CurrentUser me, AssistantDirectory directory, PageQuery query, string? status, string? category, CancellationToken cancellationToken)
    {
        if (status is not null && !AssistantStatus.All.Contains(status))
        {
            return ErrorResult.InvalidQuery([new FieldError("status", $"One of: {string.Join(", ", AssistantStatus.All)}.")]);
        }

        await directory.DefaultAsync(me.RequiredTenantId, cancellationToken);
        var rows = Visible(db, me).AsNoTracking();
        if (status is not null)
        {
            rows = rows.Where(a => a.Status == status);
        }

        if (category is not null)
        {
            rows = rows.Where(a => a.Category == category);
        }

        var staff = me.IsAgentOrAdmin;
        var userId = me.UserId;
        return await ListSpec.ToPageAsync(rows, query, a => AssistantView.From(a, staff || (userId != null && a.OwnerUserId == userId)), cancellationToken);
    }

    private static async Task<Results<Ok<AssistantView>, ErrorResult>> GetAsync(Guid id, ParleyDb db, CurrentUser me, CancellationToken cancellationToken)
        => await Visible(db, me).AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken) is { } assistant
            ? TypedResults.Ok(AssistantView.From(assistant, me.IsAgentOrAdmin || assistant.OwnerUserId == me.UserId))
            : ErrorResult.NotFound("Assistant");

    private static async Task<Results<Created<AssistantView>, ErrorResult>> CreateAsync(
        AssistantRequest request, CurrentUser me, AssistantChanges changes, Tools.ToolRegistry tools, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            return ErrorResult.Validation("name", "Field required.");
        }

        if (request.IsDefault == true && !me.IsAgentOrAdmin)
        {
            return ErrorResult.Forbidden(DefaultIsForStaff);
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
        Guid id, AssistantRequest request, ParleyDb db, CurrentUser me, AssistantChanges changes, Tools.ToolRegistry tools, CancellationToken cancellationToken)
    {
        if (await Visible(db, me).FirstOrDefaultAsync(a => a.Id == id, cancellationToken) is not { } assistant)
        {
            return ErrorResult.NotFound("Assistant");
        }

        if (Refused(assistant, me) is { } refused)
        {
            return refused;
        }

        if (request.IsDefault == true && !me.IsAgentOrAdmin)
        {
            return ErrorResult.Forbidden(DefaultIsForStaff);
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

    private static async Task<Results<NoContent, ErrorResult>> DeleteAsync(Guid id, ParleyDb db, CurrentUser me, AssistantChanges changes, CancellationToken cancellationToken)
    {
        if (await Visible(db, me).FirstOrDefaultAsync(a => a.Id == id, cancellationToken) is not { } assistant)
        {
            return ErrorResult.NotFound("Assistant");
        }

        if (Refused(assistant, me) is { } refused)
        {
            return refused;
        }

        if (assistant.IsDefault)
        {
            return ErrorResult.Conflict("The default assistant cannot be deleted: make another one the default first.");
        }

        await changes.DeleteAsync(assistant, cancellationToken);
        return TypedResults.NoContent();
    }

    private const string DefaultIsForStaff = "Choosing the tenant's default assistant is for agents and admins.";

    /// <summary>
    /// The assistants the caller may see: all of the tenant's for agents and admins; for a user the
    /// shared ones and their own (another user's private assistant answers 404).
    /// </summary>
    public static IQueryable<Assistant> Visible(ParleyDb db, CurrentUser me)
        => me.IsAgentOrAdmin ? db.Set<Assistant>() : db.Set<Assistant>().Where(a => a.OwnerUserId == null || a.OwnerUserId == me.UserId);

    /// <summary>A user sees the tenant's shared assistants but changes only their own.</summary>
    private static ErrorResult? Refused(Assistant assistant, CurrentUser me)
        => me.IsAgentOrAdmin || assistant.OwnerUserId == me.UserId ? null
            : ErrorResult.Forbidden("The tenant's shared assistants are changed by agents and admins; create one of your own instead.");
}
