namespace Parley.Server.Storage;

/// <summary>Rows of tenant data. ParleyDb filters every query on them by the caller's tenant.</summary>
public interface ITenantOwned
{
    Guid TenantId { get; }
}

/// <summary>The tenant whose data the current unit of work may see; null sees nothing.</summary>
public interface ITenantScope
{
    Guid? TenantId { get; }
}
