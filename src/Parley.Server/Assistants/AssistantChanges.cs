using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Events;
using Parley.Server.Storage;

namespace Parley.Server.Assistants;

/// <summary>
/// Writes to assistants and what follows from them: cached answers of the tenant are forgotten,
/// a status change raises <c>assistant.status_changed</c> and reaches every <c>/ws</c> client of
/// the tenant as <c>assistant_status</c>, and making one the default unmarks the previous one.
/// </summary>
public sealed class AssistantChanges(
    ParleyDb db, CurrentUser me, DomainEvents events, Infrastructure.Caching.TenantChanges changes, ILiveSignals live, TimeProvider clock)
{
    public async Task<Assistant> CreateAsync(AssistantRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var assistant = new Assistant
        {
            Id = Guid.CreateVersion7(),
            TenantId = me.RequiredTenantId,
            Name = request.Name!.Trim(),
            CreatedBy = me.UserId,
            OwnerUserId = me.IsAgentOrAdmin ? null : me.UserId,
            CreatedAt = now,
        };
        Apply(assistant, request, now);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (request.IsDefault == true)
        {
            await UnmarkDefaultAsync(cancellationToken);
            assistant.IsDefault = true;
        }

        db.Set<Assistant>().Add(assistant);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await changes.ChangedAsync(assistant.TenantId, CancellationToken.None);
        return assistant;
    }

    public async Task UpdateAsync(Assistant assistant, AssistantRequest request, CancellationToken cancellationToken)
    {
        var previousStatus = assistant.Status;
        var now = clock.GetUtcNow().UtcDateTime;
        if (request.Name is not null)
        {
            assistant.Name = request.Name.Trim();
        }

        Apply(assistant, request, now);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (request.IsDefault == true && !assistant.IsDefault)
        {
            await UnmarkDefaultAsync(cancellationToken);
            assistant.IsDefault = true;
        }

        var statusChanged = assistant.Status != previousStatus;
        var data = new StatusChanged(assistant.Id, assistant.Name, assistant.Status, previousStatus);
        if (statusChanged)
        {
            await events.RaiseAsync(db, assistant.TenantId, EventTypes.AssistantStatusChanged, data, assistant.OwnerUserId, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await changes.ChangedAsync(assistant.TenantId, CancellationToken.None);
        if (statusChanged)
        {
            await live.SignalAsync(
                new LiveSignal(assistant.TenantId, LiveSignal.TenantWide, null, 0, "assistant_status", data, me.UserId, now), CancellationToken.None);
        }
    }

    public async Task DeleteAsync(Assistant assistant, CancellationToken cancellationToken)
    {
        db.Set<Assistant>().Remove(assistant);
        await db.SaveChangesAsync(cancellationToken);
        await changes.ChangedAsync(assistant.TenantId, CancellationToken.None);
    }

    private static void Apply(Assistant assistant, AssistantRequest request, DateTime now)
    {
        assistant.Description = request.Description ?? assistant.Description;
        assistant.Personality = request.Personality ?? assistant.Personality;
        assistant.SystemPrompt = request.SystemPrompt ?? assistant.SystemPrompt;
        assistant.Model = request.Model ?? assistant.Model;
        assistant.Temperature = request.Temperature ?? assistant.Temperature;
        assistant.MaxTokens = request.MaxTokens ?? assistant.MaxTokens;
        assistant.Status = request.Status ?? assistant.Status;
        assistant.Category = request.Category ?? assistant.Category;
        if (request.Tools is not null)
        {
            assistant.Tools = AssistantView.Json(request.Tools);
        }

        if (request.KnowledgeCategories is not null)
        {
            assistant.KnowledgeCategories = AssistantView.Json(request.KnowledgeCategories);
        }

        assistant.UpdatedAt = now;
    }

    // Saved on its own first: the one-default-per-tenant index is checked row by row.
    private async Task UnmarkDefaultAsync(CancellationToken cancellationToken)
    {
        foreach (var previous in await db.Set<Assistant>().Where(a => a.IsDefault).ToListAsync(cancellationToken))
        {
            previous.IsDefault = false;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The <c>assistant.status_changed</c> event and the <c>assistant_status</c> socket event.</summary>
    public sealed record StatusChanged(Guid AssistantId, string Name, string Status, string PreviousStatus);
}
