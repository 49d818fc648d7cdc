using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Pagination;
using Parley.Server.Storage;

namespace Parley.Server.Understanding;

/// <summary>
/// <c>/entities/lookups</c>: tenant-defined entity types (product names, plan names, store
/// locations) with canonical values and synonyms, found in every customer message of the tenant.
/// Admins write; admins and agents read. <c>{id}</c> also accepts the list's name.
/// </summary>
public static class LookupsApi
{
    private static readonly ListSpec<EntityLookup> ListSpec = new ListSpec<EntityLookup>(l => l.Id)
        .SortBy("name", l => l.Name, isDefault: true)
        .SortBy("created_at", l => l.CreatedAt)
        .SortBy("updated_at", l => l.UpdatedAt)
        .SearchBy(term => l => l.Name.Contains(term.ToLower()));

    public static RouteGroupBuilder MapLookups(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/entities/lookups").WithTags("Understanding").RequireAuthorization(AuthSetup.Policies.Agent);
        group.MapGet("", ListAsync);
        group.MapPost("", CreateAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapGet("/{key}", GetAsync);
        group.MapPut("/{key}", UpdateAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapDelete("/{key}", DeleteAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        return group;
    }

    private static Task<Results<PagedResult<LookupView>, ErrorResult>> ListAsync(ParleyDb db, PageQuery query, CancellationToken cancellationToken)
        => ListSpec.ToPageAsync(db.Set<EntityLookup>().AsNoTracking(), query, LookupView.From, cancellationToken);

    private static async Task<Results<Ok<LookupView>, ErrorResult>> GetAsync(string key, ParleyDb db, CancellationToken cancellationToken)
        => await FindAsync(db.Set<EntityLookup>().AsNoTracking(), key, cancellationToken) is { } lookup
            ? TypedResults.Ok(LookupView.From(lookup))
            : ErrorResult.NotFound("Lookup list");

    private static async Task<Results<Created<LookupView>, ErrorResult>> CreateAsync(
        LookupRequest request, ParleyDb db, CurrentUser me, TenantUnderstanding understanding, IOptions<UnderstandingOptions> options,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        if (request.Check(options.Value, requireName: true) is { Count: > 0 } errors)
        {
            return ErrorResult.Validation(errors);
        }

        var name = request.Name!.Trim();
        if (await db.Set<EntityLookup>().AnyAsync(l => l.Name == name, cancellationToken))
        {
            return ErrorResult.Conflict($"A lookup list named '{name}' exists.");
        }

        if (await db.Set<EntityLookup>().CountAsync(cancellationToken) >= options.Value.MaxLookupLists)
        {
            return ErrorResult.Validation("name", $"A tenant has at most {options.Value.MaxLookupLists} lookup lists.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var lookup = new EntityLookup
        {
            Id = Guid.CreateVersion7(),
            TenantId = me.RequiredTenantId,
            Name = name,
            Description = request.Description,
            Entries = LookupEntries.Write(request.AllEntries()),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Add(lookup);
        await UnderstandingStore.TouchAsync(db, me.RequiredTenantId, now, cancellationToken);
        if (await UnderstandingStore.SaveAsync(db, $"A lookup list named '{name}' exists.", cancellationToken) is { } conflict)
        {
            return conflict;
        }

        understanding.Invalidate(me.RequiredTenantId);
        return TypedResults.Created($"/api/v1/entities/lookups/{lookup.Id}", LookupView.From(lookup));
    }

    /// <summary>Replaces the entries (and the name or description when given).</summary>
    private static async Task<Results<Ok<LookupView>, ErrorResult>> UpdateAsync(
        string key, LookupRequest request, ParleyDb db, CurrentUser me, TenantUnderstanding understanding, IOptions<UnderstandingOptions> options,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await FindAsync(db.Set<EntityLookup>(), key, cancellationToken) is not { } lookup)
        {
            return ErrorResult.NotFound("Lookup list");
        }

        if (request.Check(options.Value, requireName: false) is { Count: > 0 } errors)
        {
            return ErrorResult.Validation(errors);
        }

        var name = request.Name?.Trim() ?? lookup.Name;
        if (name != lookup.Name && await db.Set<EntityLookup>().AnyAsync(l => l.Name == name, cancellationToken))
        {
            return ErrorResult.Conflict($"A lookup list named '{name}' exists.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        lookup.Name = name;
        lookup.Description = request.Description ?? lookup.Description;
        lookup.Entries = LookupEntries.Write(request.AllEntries());
        lookup.UpdatedAt = now;
        await UnderstandingStore.TouchAsync(db, me.RequiredTenantId, now, cancellationToken);
        if (await UnderstandingStore.SaveAsync(db, $"A lookup list named '{name}' exists.", cancellationToken) is { } conflict)
        {
            return conflict;
        }

        understanding.Invalidate(me.RequiredTenantId);
        return TypedResults.Ok(LookupView.From(lookup));
    }

    private static async Task<Results<NoContent, ErrorResult>> DeleteAsync(
        string key, ParleyDb db, CurrentUser me, TenantUnderstanding understanding, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await FindAsync(db.Set<EntityLookup>(), key, cancellationToken) is not { } lookup)
        {
            return ErrorResult.NotFound("Lookup list");
        }

        db.Remove(lookup);
        await UnderstandingStore.TouchAsync(db, me.RequiredTenantId, clock.GetUtcNow().UtcDateTime, cancellationToken);
        if (await UnderstandingStore.SaveAsync(db, "The lookup list changed concurrently; try again.", cancellationToken) is { } conflict)
        {
            return conflict;
        }

        understanding.Invalidate(me.RequiredTenantId);
        return TypedResults.NoContent();
    }

    // The tenant query filter applies: another tenant's list is not found, by id or by name.
    private static Task<EntityLookup?> FindAsync(IQueryable<EntityLookup> lookups, string key, CancellationToken cancellationToken)
        => Guid.TryParse(key, out var id)
            ? lookups.FirstOrDefaultAsync(l => l.Id == id, cancellationToken)
            : lookups.FirstOrDefaultAsync(l => l.Name == key, cancellationToken);
}
