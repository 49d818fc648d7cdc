using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Engine.Entities;
using Parley.Engine.Intents;
using Parley.Server.Storage;

namespace Parley.Server.Understanding;

/// <summary>
/// What the turn pipeline reads a tenant's messages with; a null part means Parley's default
/// (the shared default intent model, the plain entity extractor, <c>Parley:Redaction</c>).
/// </summary>
public sealed record UnderstandingProfile(IntentModel? Intents, EntityExtractor? Entities, TenantRedactor? Redactor, int ModelVersion)
{
    public static UnderstandingProfile Default { get; } = new(null, null, null, 0);
}

/// <summary>
/// Something kept per tenant that was worked out under its understanding (Conversations' cached answers),
/// told when the tenant's intents, entities or redaction changed, here or on another instance.
/// </summary>
public interface IUnderstandingDependent
{
    void UnderstandingChanged(Guid tenantId);
}

/// <summary>
/// Keeps every active tenant's <see cref="UnderstandingProfile"/> in memory so a chat turn normally
/// costs no database read for it. After <see cref="UnderstandingOptions.RefreshSeconds"/> the next turn
/// reads the tenant's revision stamp (one primary-key row, without the model) and reloads only if it
/// changed, which is how a retrain or settings change on another instance arrives here. Changes made
/// through this instance call <see cref="Invalidate"/> and apply to the very next turn.
/// </summary>
public sealed class TenantUnderstanding(
    IServiceScopeFactory scopes,
    IEnumerable<IUnderstandingDependent> dependents,
    IOptions<UnderstandingOptions> options,
    TimeProvider clock,
    ILogger<TenantUnderstanding> logger)
{
    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();

    public ValueTask<UnderstandingProfile> ForTenantAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue(tenantId, out var entry) && clock.GetElapsedTime(entry.CheckedAt).TotalSeconds < options.Value.RefreshSeconds)
        {
            return ValueTask.FromResult(entry.Profile);
        }

        return new ValueTask<UnderstandingProfile>(RefreshAsync(tenantId, entry, cancellationToken));
    }

    /// <summary>The tenant's understanding changed here: forget the copy and the answers cached with it.</summary>
    public void Invalidate(Guid tenantId)
    {
        _entries.TryRemove(tenantId, out _);
        Tell(tenantId);
    }

    private void Tell(Guid tenantId)
    {
        foreach (var dependent in dependents)
        {
            dependent.UnderstandingChanged(tenantId);
        }
    }

    private async Task<UnderstandingProfile> RefreshAsync(Guid tenantId, Entry? previous, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        var states = db.Set<TenantUnderstandingState>().IgnoreQueryFilters().AsNoTracking().Where(s => s.TenantId == tenantId);
        var stamp = await states.Select(s => new { s.Revision, s.ModelVersion, s.Redaction }).FirstOrDefaultAsync(cancellationToken);
        var revision = stamp?.Revision ?? Guid.Empty;
        if (previous is not null && previous.Revision == revision)
        {
            _entries[tenantId] = previous with { CheckedAt = clock.GetTimestamp() };
            return previous.Profile;
        }

        var model = previous?.Profile.Intents;
        var modelVersion = stamp?.ModelVersion ?? 0;
        if (modelVersion != (previous?.Profile.ModelVersion ?? 0))
        {
            var bytes = await states.Select(s => s.IntentModel).FirstOrDefaultAsync(cancellationToken);
            model = Load(tenantId, bytes);
        }

        var lookups = await db.Set<EntityLookup>().IgnoreQueryFilters().AsNoTracking()
            .Where(l => l.TenantId == tenantId).Select(l => new { l.Name, l.Entries }).ToListAsync(cancellationToken);
        var profile = new UnderstandingProfile(
            model,
            lookups.Count == 0 ? null : new EntityExtractor(new EntityExtractionOptions
            {
                Lookups = lookups.ToDictionary(l => l.Name, l => LookupEntries.Read(l.Entries)),
            }),
            RedactionStore.Read(stamp?.Redaction) is { } policy ? new TenantRedactor(policy) : null,
            model is null ? 0 : modelVersion);

        _entries[tenantId] = new Entry(profile, revision, clock.GetTimestamp());
        if (previous is not null)
        {
            // Changed on another instance: answers cached under the old understanding are stale.
            Tell(tenantId);
        }

        return profile;
    }

    private IntentModel? Load(Guid tenantId, byte[]? bytes)
    {
        if (bytes is null)
        {
            return null;
        }

        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            return IntentModel.Load(stream);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or EndOfStreamException)
        {
            logger.LogError(e, "The stored intent model of tenant {TenantId} cannot be read; using the default model", tenantId);
            return null;
        }
    }

    private sealed record Entry(UnderstandingProfile Profile, Guid Revision, long CheckedAt);
}

/// <summary>Lookup entries as stored: a JSON array of <c>{value, synonyms}</c>.</summary>
public static class LookupEntries
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static IReadOnlyList<LookupEntry> Read(string json)
        => (JsonSerializer.Deserialize<List<LookupEntryJson>>(json, Json) ?? [])
            .Select(e => new LookupEntry(e.Value, e.Synonyms ?? [])).ToList();

    public static string Write(IEnumerable<LookupEntryJson> entries) => JsonSerializer.Serialize(entries, Json);
}

public sealed record LookupEntryJson(string Value, IReadOnlyList<string>? Synonyms);
