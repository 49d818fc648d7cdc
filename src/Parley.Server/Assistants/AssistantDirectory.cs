using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.ConversationModel;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Storage;

namespace Parley.Server.Assistants;

/// <summary>
/// Which assistant answers a conversation. Every tenant has a default assistant, made the first
/// time one is needed; a conversation without an assistant (or whose assistant was deleted) is
/// bound to it.
/// </summary>
public sealed class AssistantDirectory(ParleyDb db, CurrentUser me, IServiceScopeFactory scopes, AssistantCache cache, TimeProvider clock)
{
    public const string DefaultName = "Parley Assistant";

    /// <summary>The tenant's default assistant, created when the tenant has none yet.</summary>
    public async Task<Assistant> DefaultAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        if (await FindDefaultAsync(tenantId, cancellationToken) is { } found)
        {
            return found;
        }

        // A scope of its own, so the caller's pending changes are not saved with it.
        await using (var scope = scopes.CreateAsyncScope())
        {
            var other = scope.ServiceProvider.GetRequiredService<ParleyDb>();
            var now = clock.GetUtcNow().UtcDateTime;
            other.Set<Assistant>().Add(new Assistant
            {
                Id = Guid.CreateVersion7(),
                TenantId = tenantId,
                Name = DefaultName,
                Description = "The tenant's default support assistant.",
                Status = AssistantStatus.Active,
                IsDefault = true,
                CreatedAt = now,
                UpdatedAt = now,
            });
            try
            {
                await other.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another request made it first (one default per tenant is a unique index).
            }
        }

        return await FindDefaultAsync(tenantId, cancellationToken)
            ?? throw new InvalidOperationException($"Tenant {tenantId} has no default assistant.");
    }

    /// <summary>
    /// The assistant of a conversation about to get a turn; binds the conversation to the default
    /// assistant when it has none (the turn's save stores the binding).
    /// </summary>
    public async Task<Assistant> ForConversationAsync(Conversation conversation, CancellationToken cancellationToken)
    {
        if (conversation.AssistantId is { } id && await FindAsync(conversation.TenantId, id, cancellationToken) is { } bound)
        {
            return bound;
        }

        var fallback = await DefaultAsync(conversation.TenantId, cancellationToken);
        conversation.AssistantId = fallback.Id;
        return fallback;
    }

    /// <summary>
    /// The assistant a new conversation names (404 when the tenant has no such assistant, 422 when
    /// it does not take conversations), or the default one.
    /// </summary>
    public async Task<(Guid? AssistantId, ErrorResult? Error)> ForNewConversationAsync(Guid? requested, CancellationToken cancellationToken)
    {
        if (requested is null)
        {
            return ((await DefaultAsync(me.RequiredTenantId, cancellationToken)).Id, null);
        }

        var assistant = await AssistantsApi.Visible(db, me).AsNoTracking().FirstOrDefaultAsync(a => a.Id == requested, cancellationToken);
        return assistant switch
        {
            null => (null, ErrorResult.NotFound("Assistant")),
            { Status: AssistantStatus.Active } => (assistant.Id, null),
            // Admins try drafts out before publishing them.
            { Status: AssistantStatus.Draft } when me.IsAdmin => (assistant.Id, null),
            _ => (null, ErrorResult.Validation("assistant_id", $"The assistant is {assistant.Status} and does not take new conversations.")),
        };
    }

    /// <summary>The assistant's model settings for the LLM; its personality is appended to its system prompt.</summary>
    public static LlmOverrides Overrides(Assistant assistant)
    {
        var prompt = (assistant.SystemPrompt, assistant.Personality) switch
        {
            ({ Length: > 0 } p, { Length: > 0 } style) => $"{p.Trim()}\n\nPersonality: {style.Trim()}",
            ({ Length: > 0 } p, _) => p,
            (_, { Length: > 0 } style) => $"You are {assistant.Name}, a customer-support assistant.\n\nPersonality: {style.Trim()}",
            _ => null,
        };
        return new LlmOverrides(assistant.Model, assistant.Temperature, prompt, assistant.MaxTokens);
    }

    /// <summary>A tenant's assistant, from the cache when it is there (a turn reads it without a query).</summary>
    private Task<Assistant?> FindAsync(Guid tenantId, Guid id, CancellationToken cancellationToken)
        => CachedAsync(cache.Find(tenantId, id), () => db.Set<Assistant>().IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(a => a.Id == id && a.TenantId == tenantId, cancellationToken));

    private Task<Assistant?> FindDefaultAsync(Guid tenantId, CancellationToken cancellationToken)
        => CachedAsync(cache.FindDefault(tenantId), () => db.Set<Assistant>().IgnoreQueryFilters().AsNoTracking()
            .FirstOrDefaultAsync(a => a.TenantId == tenantId && a.IsDefault, cancellationToken));

    private async Task<Assistant?> CachedAsync(Assistant? cached, Func<Task<Assistant?>> load)
    {
        if (cached is not null)
        {
            return cached;
        }

        var found = await load();
        if (found is not null)
        {
            cache.Store(found);
        }

        return found;
    }
}
