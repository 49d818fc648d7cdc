using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace Parley.Server.Knowledge;

/// <summary>
/// The collection statistics BM25 needs (chunk count, average chunk length, how many chunks hold a
/// term), counted inside one tenant. The full-text indexes count over every tenant (FTS5's bm25 reads
/// the whole table), which let one tenant's documents move another's ranking and confidence; lexical
/// hits are re-scored with these instead (<see cref="TenantBm25"/>). Kept per tenant until the tenant's
/// knowledge changes (<see cref="Infrastructure.Caching.TenantChanges"/>) or a few minutes pass.
/// </summary>
public sealed class TenantTermStats(TimeProvider clock) : Infrastructure.Caching.ITenantCache
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>Bounds the memory one tenant's cached term counts take; past it they are counted afresh.</summary>
    private const int MaxTermsPerTenant = 20_000;

    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();
    private readonly ConcurrentDictionary<Guid, int> _versions = new();

    public void Forget(Guid tenantId)
    {
        _versions.AddOrUpdate(tenantId, 1, (_, v) => v + 1);
        _entries.TryRemove(tenantId, out _);
    }

    /// <summary>The tenant's chunk count, average chunk length (in words) and, per term, how many of its chunks hold it.</summary>
    public async Task<CollectionStats> GetAsync(DbContext db, Guid tenantId, IReadOnlyList<string[]> terms, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var version = _versions.GetValueOrDefault(tenantId);
        if (!_entries.TryGetValue(tenantId, out var entry) || now - entry.LoadedAt >= Lifetime || entry.Version != version || entry.Terms.Count > MaxTermsPerTenant)
        {
            var (documents, totalLength) = await LexicalIndex.TotalsAsync(db, tenantId, cancellationToken);
            entry = new Entry(documents, documents == 0 ? 1 : Math.Max(1, totalLength / documents), now, version);
            // A change announced while counting leaves the old figures out of the cache.
            if (_versions.GetValueOrDefault(tenantId) == version)
            {
                _entries[tenantId] = entry;
            }
        }

        var frequencies = new int[terms.Count];
        for (var i = 0; i < terms.Count; i++)
        {
            var key = string.Join(' ', terms[i]);
            if (!entry.Terms.TryGetValue(key, out var df))
            {
                df = await LexicalIndex.DocumentFrequencyAsync(db, tenantId, terms[i], cancellationToken);
                entry.Terms[key] = df;
            }

            frequencies[i] = df;
        }

        return new CollectionStats(entry.Documents, entry.AverageLength, frequencies);
    }

    private sealed record Entry(int Documents, double AverageLength, DateTimeOffset LoadedAt, int Version)
    {
        public ConcurrentDictionary<string, int> Terms { get; } = new(StringComparer.Ordinal);
    }
}

/// <summary>One tenant's figures for a query: <see cref="DocumentFrequencies"/> in the order of the query's terms.</summary>
public sealed record CollectionStats(int Documents, double AverageLength, IReadOnlyList<int> DocumentFrequencies);

/// <summary>
/// Okapi BM25 (k1 1.2, b 0.75, the title counting twice as FTS5's bm25(2.0, 1.0) did) over a chunk's
/// title and text with one tenant's statistics. The idf is Lucene's ln(1 + (N - n + 0.5) / (n + 0.5)),
/// positive even in a tenant of two chunks (the classic form is zero or negative there). Words are
/// compared by <see cref="TextAnalysis.Stem"/>; a code such as AB-123 counts where its words follow
/// each other.
/// </summary>
public static class TenantBm25
{
    private const double K1 = 1.2;
    private const double B = 0.75;
    private const double TitleWeight = 2.0;

    public static double Score(IReadOnlyList<string[]> terms, CollectionStats stats, string title, string text)
    {
        var titleWords = TextAnalysis.Words(title).Select(TextAnalysis.Stem).ToArray();
        var textWords = TextAnalysis.Words(text).Select(TextAnalysis.Stem).ToArray();
        var length = Length(title) + Length(text);
        var norm = K1 * (1 - B + (B * length / stats.AverageLength));
        var score = 0.0;
        for (var i = 0; i < terms.Count; i++)
        {
            var term = terms[i].Select(TextAnalysis.Stem).ToArray();
            var tf = (TitleWeight * Count(titleWords, term)) + Count(textWords, term);
            if (tf == 0)
            {
                continue;
            }

            var n = Math.Max(1, stats.DocumentFrequencies[i]);
            var documents = Math.Max(stats.Documents, n);
            var idf = Math.Log(1 + ((documents - n + 0.5) / (n + 0.5)));
            score += idf * tf * (K1 + 1) / (tf + norm);
        }

        return score;
    }

    /// <summary>A chunk's length as the database measures it for the average: words between spaces.</summary>
    public static int Length(string? text) => string.IsNullOrEmpty(text) ? 1 : text.Count(c => c == ' ') + 1;

    private static int Count(string[] words, string[] term)
    {
        var count = 0;
        for (var i = 0; i + term.Length <= words.Length; i++)
        {
            var match = true;
            for (var k = 0; k < term.Length && match; k++)
            {
                match = words[i + k] == term[k];
            }

            count += match ? 1 : 0;
        }

        return count;
    }
}
