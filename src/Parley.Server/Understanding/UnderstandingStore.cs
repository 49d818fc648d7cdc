using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Storage;

namespace Parley.Server.Understanding;

/// <summary>Writes that change what the turn pipeline reads a tenant's messages with.</summary>
public static class UnderstandingStore
{
    /// <summary>The tenant's state row (made when missing) with a new revision stamp; the caller saves.</summary>
    public static async Task<TenantUnderstandingState> TouchAsync(ParleyDb db, Guid tenantId, DateTime now, CancellationToken cancellationToken)
    {
        var state = await db.Set<TenantUnderstandingState>().FirstOrDefaultAsync(s => s.TenantId == tenantId, cancellationToken);
        if (state is null)
        {
            state = new TenantUnderstandingState { TenantId = tenantId };
            db.Add(state);
        }

        state.Revision = Guid.NewGuid();
        state.UpdatedAt = now;
        return state;
    }

    /// <summary>Saves; a unique-name race or a concurrent first write answers 409 instead of failing.</summary>
    public static async Task<ErrorResult?> SaveAsync(ParleyDb db, string conflict, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return ErrorResult.Conflict(conflict);
        }
    }
}

/// <summary>Redaction settings as stored in <c>tenant_understanding.redaction</c>.</summary>
public static class RedactionStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static RedactionPolicy? Read(string? json)
        => json is null ? null : JsonSerializer.Deserialize<RedactionPolicy>(json, Json);

    public static string Write(RedactionPolicy policy) => JsonSerializer.Serialize(policy, Json);
}
