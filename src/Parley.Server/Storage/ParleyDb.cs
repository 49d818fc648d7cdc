using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Parley.Server.ApiKeys;
using Parley.Server.Auth;
using Parley.Server.Conversations;
using Parley.Server.Tenants;
using Parley.Server.Users;

namespace Parley.Server.Storage;

/// <remarks>
/// Contexts are pooled (a request rents one and returns it); the tenant scope is set on each rent
/// by the scoped registration in <see cref="StorageSetup"/>.
/// </remarks>
public sealed class ParleyDb(DbContextOptions<ParleyDb> options) : DbContext(options)
{
    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<User> Users => Set<User>();
    public DbSet<AuthSession> AuthSessions => Set<AuthSession>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<MessageFeedback> MessageFeedback => Set<MessageFeedback>();

    /// <summary>Whose rows this unit of work may see; null (or a scope without a tenant) sees none.</summary>
    public ITenantScope? TenantScope { get; set; }

    /// <summary>Read by the query filters at query time (EF parameterises it per context).</summary>
    public Guid? CurrentTenantId => TenantScope?.TenantId;

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
