using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Pagination;
using Parley.Server.Infrastructure.Validation;
using Parley.Server.Storage;

namespace Parley.Server.Desk;

public sealed record CannedResponseRequest(string? Shortcut, string? Title, string? Content) : IValidatable
{
    /// <summary>What follows the <c>/</c> in the reply box: letters, digits, <c>-</c> and <c>_</c>, so it ends at a space.</summary>
    public static bool IsShortcut(string? value) => value is { Length: >= 1 and <= 32 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public IEnumerable<FieldError> Validate()
    {
        if (!IsShortcut(Shortcut?.TrimStart('/')))
        {
            yield return new FieldError("shortcut", "1-32 letters, digits, '-' or '_' (a leading '/' is dropped).");
        }

        foreach (var error in Check.Required("title", Title).Concat(Check.MaxLength("title", Title, 200))
            .Concat(Check.Required("content", Content)).Concat(Check.MaxLength("content", Content, 4000)))
        {
            yield return error;
        }
    }

    public string NormalShortcut => Shortcut!.TrimStart('/').ToLowerInvariant();
}

public sealed record CannedResponseView(Guid Id, string Shortcut, string Title, string Content, Guid? CreatedBy, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static CannedResponseView From(CannedResponse c) => new(c.Id, c.Shortcut, c.Title, c.Content, c.CreatedBy, c.CreatedAt, c.UpdatedAt);
}

/// <summary>
/// <c>/canned-responses</c>: the tenant's shared replies. Agents read them (and insert them with
/// <c>/shortcut</c>); admins write them, so a team's library has one owner and one voice. Shortcuts
/// are unique per tenant, case-insensitively (stored lower case).
/// </summary>
public static class CannedResponsesApi
{
    private static readonly ListSpec<CannedResponse> ListSpec = new ListSpec<CannedResponse>(c => c.Id)
        .SortBy("shortcut", c => c.Shortcut, isDefault: true)
        .SortBy("title", c => c.Title)
        .SortBy("created_at", c => c.CreatedAt)
        .SortBy("updated_at", c => c.UpdatedAt)
        .FilterBy("shortcut_prefix", v => c => c.Shortcut.StartsWith(v.TrimStart('/').ToLowerInvariant()))
        .SearchBy(term =>
        {
            var s = term.TrimStart('/').ToUpperInvariant();
            return c => c.Shortcut.ToUpper().Contains(s) || c.Title.ToUpper().Contains(s) || c.Content.ToUpper().Contains(s);
        });

    public static RouteGroupBuilder MapCannedResponses(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/canned-responses").WithTags("Canned responses").RequireAuthorization(AuthSetup.Policies.Agent);
        group.MapGet("", ListAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapPost("", CreateAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapPut("/{id:guid}", UpdateAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapDelete("/{id:guid}", DeleteAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        return group;
    }

    private static Task<Results<PagedResult<CannedResponseView>, ErrorResult>> ListAsync(ParleyDb db, PageQuery query, CancellationToken cancellationToken)
        => ListSpec.ToPageAsync(db.Set<CannedResponse>().AsNoTracking(), query, CannedResponseView.From, cancellationToken);

    private static async Task<Results<Ok<CannedResponseView>, ErrorResult>> GetAsync(Guid id, ParleyDb db, CancellationToken cancellationToken)
        => await db.Set<CannedResponse>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is { } found
            ? TypedResults.Ok(CannedResponseView.From(found))
            : ErrorResult.NotFound("Canned response");

    private static async Task<Results<Created<CannedResponseView>, ErrorResult>> CreateAsync(
        CannedResponseRequest request, ParleyDb db, CurrentUser me, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var canned = new CannedResponse
        {
            Id = Guid.CreateVersion7(),
            TenantId = me.RequiredTenantId,
            Shortcut = request.NormalShortcut,
            Title = request.Title!.Trim(),
            Content = request.Content!.Trim(),
            CreatedBy = me.UserId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Add(canned);
        return await SaveAsync(db, canned, cancellationToken) is { } conflict
            ? conflict
            : TypedResults.Created($"/api/v1/canned-responses/{canned.Id}", CannedResponseView.From(canned));
    }

    private static async Task<Results<Ok<CannedResponseView>, ErrorResult>> UpdateAsync(
        Guid id, CannedResponseRequest request, ParleyDb db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await db.Set<CannedResponse>().FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } canned)
        {
            return ErrorResult.NotFound("Canned response");
        }

        canned.Shortcut = request.NormalShortcut;
        canned.Title = request.Title!.Trim();
        canned.Content = request.Content!.Trim();
        canned.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        return await SaveAsync(db, canned, cancellationToken) is { } conflict ? conflict : TypedResults.Ok(CannedResponseView.From(canned));
    }

    private static async Task<Results<NoContent, ErrorResult>> DeleteAsync(Guid id, ParleyDb db, CancellationToken cancellationToken)
        => await db.Set<CannedResponse>().Where(c => c.Id == id).ExecuteDeleteAsync(cancellationToken) == 0
            ? ErrorResult.NotFound("Canned response")
            : TypedResults.NoContent();

    /// <summary>Saves; a shortcut the tenant already uses is a 409 (the unique index decides, so two admins at once cannot both win).</summary>
    private static async Task<ErrorResult?> SaveAsync(ParleyDb db, CannedResponse canned, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return ErrorResult.Conflict($"The shortcut '/{canned.Shortcut}' is already used by another canned response.");
        }
    }
}
