using System.Collections.Concurrent;
using System.Numerics.Tensors;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Storage;

namespace Parley.Server.Knowledge;

/// <summary>
/// A tenant's passage vectors of one model, held in memory so a semantic search is one pass of dot products
/// instead of reading every vector from the database (at 12,000 passages that read was 18 MB per query).
/// Forgotten when the tenant's knowledge changes (<see cref="Infrastructure.Caching.TenantChanges"/>, which reaches
/// the other instances too), and reloaded at most <see cref="Lifetime"/> later in any case. A tenant with more than
/// <see cref="MaxVectors"/> vectors is not held (the search reads them from the database as before).
/// </summary>
public sealed class TenantVectors(TimeProvider clock) : Infrastructure.Caching.ITenantCache
{
    /// <summary>About 300 MB of vectors at 384 dimensions.</summary>
    public const int MaxVectors = 200_000;

    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();
    private readonly ConcurrentDictionary<Guid, int> _versions = new();

    public void Forget(Guid tenantId)
    {
        _versions.AddOrUpdate(tenantId, 1, (_, v) => v + 1);
        _entries.TryRemove(tenantId, out _);
    }

    /// <summary>The tenant's vectors of <paramref name="model"/>, or null when it has more than <see cref="MaxVectors"/>.</summary>
    public async Task<Entry?> GetAsync(ParleyDb db, Guid tenantId, string model, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_entries.TryGetValue(tenantId, out var cached) && cached.Model == model && now - cached.LoadedAt < Lifetime)
        {
            return cached.TooMany ? null : cached;
        }

        var version = _versions.GetValueOrDefault(tenantId);
        var rows = db.Set<KnowledgeChunk>().AsNoTracking().Where(c => c.TenantId == tenantId && c.EmbeddingModel == model && c.Embedding != null);
        if (await rows.CountAsync(cancellationToken) > MaxVectors)
        {
            Keep(tenantId, version, new Entry(model, now, [], [], [], [], 0, TooMany: true));
            return null;
        }

        var ids = new List<Guid>();
        var sources = new List<Guid>();
        var categories = new List<string?>();
        var matrix = new List<float>();
        var dimensions = 0;
        await foreach (var row in rows.Select(c => new { c.Id, c.SourceId, c.Category, c.Embedding }).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var vector = EmbeddingClient.FromBytes(row.Embedding!);
            if (dimensions == 0)
            {
                dimensions = vector.Length;
            }

            if (vector.Length != dimensions)
            {
                continue;
            }

            ids.Add(row.Id);
            sources.Add(row.SourceId);
            categories.Add(row.Category);
            matrix.AddRange(vector);
        }

        var entry = new Entry(model, now, [.. ids], [.. sources], [.. categories], [.. matrix], dimensions, TooMany: false);
        Keep(tenantId, version, entry);
        return entry;
    }

    /// <summary>Kept only if the tenant did not change while it was read (a change meanwhile makes the next search read again).</summary>
    private void Keep(Guid tenantId, int version, Entry entry)
    {
        if (_versions.GetValueOrDefault(tenantId) == version)
        {
            _entries[tenantId] = entry;
        }
    }

    /// <summary>Vectors row by row in <see cref="Matrix"/> (<see cref="Dimensions"/> floats each), with each one's chunk, source and category.</summary>
    public sealed record Entry(string Model, DateTimeOffset LoadedAt, Guid[] Ids, Guid[] Sources, string?[] Categories, float[] Matrix, int Dimensions, bool TooMany)
    {
        /// <summary>The cosine of each kept passage with a unit query vector.</summary>
        public List<(Guid Id, double Cosine)> Score(float[] query, IReadOnlyCollection<string>? categories, IReadOnlyCollection<Guid>? only)
        {
            var scored = new List<(Guid, double)>();
            if (query.Length != Dimensions)
            {
                return scored;
            }

            for (var i = 0; i < Ids.Length; i++)
            {
                if ((categories is not null && (Categories[i] is not { } category || !categories.Contains(category))) || (only is not null && !only.Contains(Sources[i])))
                {
                    continue;
                }

                scored.Add((Ids[i], TensorPrimitives.Dot(Matrix.AsSpan(i * Dimensions, Dimensions), query)));
            }

            return scored;
        }
    }
}
