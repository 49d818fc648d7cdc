using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Parley.Server.Storage;

/// <remarks>
/// The entity types are the features' own: each maps its entities with an <c>IEntityTypeConfiguration</c>
/// (applied from the assembly below) and may give them a typed set as an extension member
/// (<c>db.Conversations</c> is <c>ConversationModel.ConversationSets</c>), so Storage depends on no feature.
/// Inside an expression tree (a subquery, a compiled query) C# allows no extension property: write <c>db.Set&lt;T&gt;()</c> there.
/// Contexts are pooled (a request rents one and returns it); the tenant scope is set on each rent
/// by the scoped registration in <see cref="StorageSetup"/>.
/// </remarks>
public sealed class ParleyDb(DbContextOptions<ParleyDb> options) : DbContext(options)
{
    /// <summary>Whose rows this unit of work may see; null (or a scope without a tenant) sees none.</summary>
    public ITenantScope? TenantScope { get; set; }

    /// <summary>Read by the query filters at query time (EF parameterises it per context).</summary>
    public Guid? CurrentTenantId => TenantScope?.TenantId;

    private List<Action>? _afterSave;
    private int _afterSaveLease;

    /// <summary>
    /// Runs <paramref name="action"/> once this unit of work has been stored, and never if storing it
    /// fails: for work that must only follow stored rows (waking the webhook worker, pushing a
    /// notification). Whoever saves the unit (SaveChanges, or the SQLite group commit after its
    /// commit) runs it. A context rented again from the pool starts with none (each rent has a new lease).
    /// </summary>
    public void AfterSave(Action action)
    {
        if (_afterSave is null || _afterSaveLease != ContextId.Lease)
        {
            _afterSave = [];
            _afterSaveLease = ContextId.Lease;
        }

        _afterSave.Add(action);
    }

    /// <summary>Set while the group commit saves this unit inside a batch that has not committed yet.</summary>
    internal bool DeferAfterSave { get; set; }

    internal void RunAfterSave()
    {
        var actions = _afterSaveLease == ContextId.Lease ? _afterSave : null;
        _afterSave = null;
        foreach (var action in actions ?? [])
        {
            action();
        }
    }

    internal void DropAfterSave() => _afterSave = null;

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        try
        {
            return Saved(base.SaveChanges(acceptAllChangesOnSuccess));
        }
        catch when (NotSaved())
        {
            throw;
        }
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        try
        {
            return Saved(await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken));
        }
        catch when (NotSaved())
        {
            throw;
        }
    }

    /// <summary>After a save: the after-save actions run, unless the group commit runs them after its commit.</summary>
    private int Saved(int rows)
    {
        if (!DeferAfterSave)
        {
            RunAfterSave();
        }

        return rows;
    }

    /// <summary>An exception filter (always false, the exception goes on): a failed save forgets its after-save actions.</summary>
    private bool NotSaved()
    {
        if (!DeferAfterSave)
        {
            DropAfterSave();
        }

        return false;
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ParleyDb).Assembly);
        ApplyTenantFilters(modelBuilder);
        modelBuilder.UseSnakeCaseColumns();
        if (Database.IsSqlite())
        {
            modelBuilder.UseUtcDateTimes();
        }
    }

    // Every ITenantOwned entity gets `row.TenantId == CurrentTenantId`: a query can only see the
    // caller's tenant unless it says IgnoreQueryFilters() on purpose (login, token refresh).
    private void ApplyTenantFilters(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes().Where(e => typeof(ITenantOwned).IsAssignableFrom(e.ClrType)))
        {
            var row = Expression.Parameter(entity.ClrType, "row");
            var tenant = Expression.Convert(Expression.Property(row, nameof(ITenantOwned.TenantId)), typeof(Guid?));
            var current = Expression.Property(Expression.Constant(this), nameof(CurrentTenantId));
            entity.SetQueryFilter(Expression.Lambda(Expression.Equal(tenant, current), row));
        }
    }
}
