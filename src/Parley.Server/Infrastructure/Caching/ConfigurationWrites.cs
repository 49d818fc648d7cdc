using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Storage;

namespace Parley.Server.Infrastructure.Caching;

/// <summary>
/// The tail of every update and delete of a tenant's configuration rows (integrations, webhooks, tool
/// routes): find the row or answer 404, change or remove it, save, then tell <see cref="TenantChanges"/>
/// so that cached copies on every instance are dropped. The tell takes no cancellation token: once the
/// row is stored the caches must hear of it, even if the caller has gone.
/// </summary>
public static class ConfigurationWrites
{
    /// <summary>
    /// Loads the one row of <paramref name="row"/> (a 404 naming <paramref name="what"/> if there is none), lets
    /// <paramref name="apply"/> change it or refuse with an error (nothing is saved then), saves and answers 200
    /// with the row's view.
    /// </summary>
    public static async Task<Results<Ok<TView>, ErrorResult>> UpdateAsync<T, TView>(
        this TenantChanges changes, ParleyDb db, IQueryable<T> row, string what, Func<T, Task<ErrorResult?>> apply, Func<T, TView> view,
        CancellationToken cancellationToken)
        where T : class, ITenantOwned
    {
        var entity = await row.FirstOrDefaultAsync(cancellationToken);
        if (entity is null)
        {
            return ErrorResult.NotFound(what);
        }

        if (await apply(entity) is { } problem)
        {
            return problem;
        }

        await db.SaveChangesAsync(cancellationToken);
        await changes.ChangedAsync(entity.TenantId, CancellationToken.None);
        return TypedResults.Ok(view(entity));
    }

    /// <inheritdoc cref="UpdateAsync{T, TView}(TenantChanges, ParleyDb, IQueryable{T}, string, Func{T, Task{ErrorResult?}}, Func{T, TView}, CancellationToken)"/>
    public static Task<Results<Ok<TView>, ErrorResult>> UpdateAsync<T, TView>(
        this TenantChanges changes, ParleyDb db, IQueryable<T> row, string what, Func<T, ErrorResult?> apply, Func<T, TView> view,
        CancellationToken cancellationToken)
        where T : class, ITenantOwned
        => changes.UpdateAsync(db, row, what, entity => Task.FromResult(apply(entity)), view, cancellationToken);

    /// <summary>Removes the one row of <paramref name="row"/> (a 404 naming <paramref name="what"/> if there is none) and answers 204.</summary>
    public static async Task<Results<NoContent, ErrorResult>> DeleteAsync<T>(
        this TenantChanges changes, ParleyDb db, IQueryable<T> row, string what, CancellationToken cancellationToken)
        where T : class, ITenantOwned
    {
        var entity = await row.FirstOrDefaultAsync(cancellationToken);
        if (entity is null)
        {
            return ErrorResult.NotFound(what);
        }

        db.Remove(entity);
        await db.SaveChangesAsync(cancellationToken);
        await changes.ChangedAsync(entity.TenantId, CancellationToken.None);
        return TypedResults.NoContent();
    }
}
