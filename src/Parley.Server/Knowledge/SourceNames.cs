using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Storage;

namespace Parley.Server.Knowledge;

/// <summary>
/// Which source a conversation is about. Customers name the thing they ask about ("does the Hotel
/// Zetta allow dogs?") and then keep asking without naming it ("what time is check-in there?").
/// A source whose name is mentioned (the query first, then earlier turns, the most recent weighing
/// most) is searched first. Names are matched as contiguous word runs weighted by how rare each
/// word is among the tenant's source names, so "super duper burgers" finds
/// "Super Duper Burgers - Union Square" while "union square" alone stays weak.
/// The message being answered must cover most of a name (<see cref="MinCoverageInMessage"/> of its
/// weight): a question that merely contains a word of a name ("is there good parking nearby" and
/// "Good Hotel", "how long is the bridge" and "Bridge Guest House") is not about that source, and an
/// off-topic question answered from it is the costly mistake. Earlier turns keep the looser rule: a
/// partial mention there is one the dialogue settled on ("the acorn" after an agent named the Acorn
/// Guest House), and it cannot be undone by a later message sharing a word with another name.
/// </summary>
public sealed class SourceNames(IDbContextFactory<ParleyDb> factory, TimeProvider clock) : Infrastructure.Caching.ITenantCache
{
    /// <summary>Weight a mention needs unless it covers the whole name.</summary>
    public double MinScore { get; init; } = 2.0;

    /// <summary>
    /// Share of a name's weight the message being answered must mention (earlier turns: <see cref="MinScore"/>).
    /// Chosen on DSTC10 and CLINC150's off-topic questions (docs/quality.md): 0.75-1.0 resolve the same entities
    /// for the dialogues; below 0.7 off-topic questions start to resolve.
    /// </summary>
    public double MinCoverageInMessage { get; init; } = 0.8;

    /// <summary>How much each earlier turn counts relative to the next one.</summary>
    public double Decay { get; init; } = 0.9;

    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<Guid, Catalog> _catalogs = new();

    public void Forget(Guid tenantId) => _catalogs.TryRemove(tenantId, out _);

    /// <summary>Whether the tenant has any knowledge source (a tenant without one is searched at no cost).</summary>
    public async Task<bool> AnyAsync(Guid tenantId, CancellationToken cancellationToken)
        => (await CatalogAsync(tenantId, cancellationToken)).Sources > 0;

    /// <summary>
    /// The tenant's source names as written ("Grant Hotel"): the business's own names, which redaction leaves
    /// in a customer's message (<see cref="Parley.Engine.Redaction.ProtectedPhrases"/>).
    /// </summary>
    public async Task<IReadOnlyList<string>> NamesAsync(Guid tenantId, CancellationToken cancellationToken)
        => (await CatalogAsync(tenantId, cancellationToken)).Written;

    /// <summary>The best-mentioned source, or null. <paramref name="turns"/> run from the newest back.</summary>
    public async Task<Guid?> ResolveAsync(Guid tenantId, IReadOnlyList<string> turns, CancellationToken cancellationToken)
    {
        var catalog = await CatalogAsync(tenantId, cancellationToken);
        if (catalog.Names.Count == 0)
        {
            return null;
        }

        var best = (Id: Guid.Empty, Score: 0.0);
        var weight = 1.0;
        var current = true;
        foreach (var turn in turns)
        {
            var words = TextAnalysis.Words(turn).Select(TextAnalysis.Stem).ToArray();
            var positions = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            for (var i = 0; i < words.Length; i++)
            {
                (positions.TryGetValue(words[i], out var list) ? list : positions[words[i]] = []).Add(i);
            }

            var candidates = words.Where(catalog.ByWord.ContainsKey).SelectMany(w => catalog.ByWord[w]).Distinct();
            foreach (var index in candidates)
            {
                var name = catalog.Names[index];
                var run = LongestRun(words, positions, name.Words, catalog.Idf);
                if (run <= 0 || (run < MinScore && run < name.Weight - 1e-9) || (current && run < (MinCoverageInMessage * name.Weight) - 1e-9))
                {
                    continue;
                }

                var score = run * Math.Sqrt(run / name.Weight) * weight;
                if (score > best.Score)
                {
                    best = (name.Id, score);
                }
            }

            weight *= Decay;
            current = false;
        }

        return best.Score > 0 ? best.Id : null;
    }

    private static double LongestRun(string[] words, Dictionary<string, List<int>> positions, string[] name, Dictionary<string, double> idf)
    {
        var best = 0.0;
        for (var j = 0; j < name.Length; j++)
        {
            if (!positions.TryGetValue(name[j], out var starts))
            {
                continue;
            }

            foreach (var i in starts)
            {
                var score = 0.0;
                for (var k = 0; j + k < name.Length && i + k < words.Length && words[i + k] == name[j + k]; k++)
                {
                    score += idf.GetValueOrDefault(name[j + k]);
                }

                best = Math.Max(best, score);
            }
        }

        return best;
    }

    private async Task<Catalog> CatalogAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_catalogs.TryGetValue(tenantId, out var cached) && now - cached.LoadedAt < Lifetime)
        {
            return cached;
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.TenantScope = new FixedTenantScope(tenantId);
        var rows = await db.Set<KnowledgeSource>().AsNoTracking().Select(s => new { s.Id, s.Name }).ToListAsync(cancellationToken);
        var named = rows.Select(r => (r.Id, Words: TextAnalysis.Words(r.Name).Where(w => !TextAnalysis.IsStopWord(w)).Select(TextAnalysis.Stem).ToArray()))
            .Where(r => r.Words.Length > 0).ToList();
        var df = named.SelectMany(n => n.Words.Distinct()).GroupBy(w => w).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var idf = df.ToDictionary(p => p.Key, p => Math.Log(1 + ((double)named.Count / p.Value)), StringComparer.Ordinal);
        var names = named.Select(n => new Name(n.Id, n.Words, n.Words.Sum(w => idf[w]))).ToList();
        var byWord = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            foreach (var w in names[i].Words.Distinct())
            {
                (byWord.TryGetValue(w, out var list) ? list : byWord[w] = []).Add(i);
            }
        }

        var catalog = new Catalog(rows.Count, names, byWord, idf, now) { Written = [.. rows.Select(r => r.Name).Distinct(StringComparer.OrdinalIgnoreCase)] };
        _catalogs[tenantId] = catalog;
        return catalog;
    }

    private sealed record Name(Guid Id, string[] Words, double Weight);

    private sealed record Catalog(int Sources, List<Name> Names, Dictionary<string, List<int>> ByWord, Dictionary<string, double> Idf, DateTimeOffset LoadedAt)
    {
        public IReadOnlyList<string> Written { get; init; } = [];
    }
}

/// <summary>A unit of work pinned to one tenant (background work, search outside a request).</summary>
public sealed record FixedTenantScope(Guid? TenantId) : ITenantScope;
