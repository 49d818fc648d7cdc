using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Storage;

namespace Parley.Server.Knowledge;

/// <summary>
/// Hybrid retrieval: BM25 (FTS5 or PostgreSQL) and, when an embeddings endpoint is configured,
/// cosine similarity over stored vectors made by the same model, fused by reciprocal rank fusion
/// (k = 60). A source named in the query or the conversation gets its own ranked list with a
/// heavier weight, so its passages come first. Confidence (0-1) is the share of query terms a
/// passage contains times the engine's score strength, or the cosine similarity when higher.
/// Lexical hits are ranked by BM25 with the tenant's own statistics (<see cref="TenantTermStats"/>):
/// no other tenant's documents move a tenant's ranking or confidence.
/// </summary>
public sealed class KnowledgeSearch(
    IDbContextFactory<ParleyDb> factory,
    SourceNames names,
    TenantTermStats termStats,
    EmbeddingClient embeddings,
    TenantVectors vectors,
    ILogger<KnowledgeSearch> logger) : IKnowledgeSearch
{
    private const int RrfK = 60;
    private const double NamedSourceWeight = 3;

    /// <summary>Lexical candidates re-scored per query: the engine's best rows, re-ranked with the tenant's statistics.</summary>
    private const int MinCandidates = 60;

    /// <summary>A named source with at most this many passages has them all ranked by <see cref="TrigramSimilarity"/>.</summary>
    private const int MaxNamedSourceChunks = 400;

    /// <summary>How much BM25 counts beside trigram similarity within the named source (breaks near-ties; chosen on DSTC10, see docs/quality.md).</summary>
    private const double SpellingBm25Weight = 0.01;

    /// <summary>How much the sentence encoder's cosine counts beside trigram similarity within the named source (see docs/quality.md).</summary>
    private const double SemanticWeight = 1.0;

    /// <summary>The built-in encoder's cosine below which a passage is not a semantic hit (outside the named source).</summary>
    private const double MinBuiltInCosine = 0.3;

    public Task<IReadOnlyList<Passage>> SearchAsync(Guid tenantId, string query, int limit, CancellationToken cancellationToken)
        => SearchAsync(tenantId, new KnowledgeQuery(query, limit), cancellationToken);

    public async Task<IReadOnlyList<Passage>> SearchAsync(Guid tenantId, KnowledgeQuery query, CancellationToken cancellationToken)
    {
        var terms = TextAnalysis.QueryTerms(query.Text);
        if (terms.Count == 0 || query.Limit <= 0 || !await names.AnyAsync(tenantId, cancellationToken))
        {
            return [];
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.TenantScope = new FixedTenantScope(tenantId);
        // SQLite: FTS5 walks many index pages per query, read through a kept memory map (see SqlitePragmas).
        await using var mapped = await SqlitePragmas.ReadThroughMapAsync(db, cancellationToken);
        var pool = Math.Max(query.Limit * 4, 20) + (query.Metadata is { Count: > 0 } ? 100 : 0);
        IReadOnlyCollection<Guid>? only = query.SourceId is { } sid ? [sid] : null;

        var lists = new List<(double Weight, List<Guid> Ranked)>();
        var strength = new Dictionary<Guid, double>();
        var named = only is null ? await names.ResolveAsync(tenantId, [query.Text, .. query.Context], cancellationToken) : null;
        var candidates = Math.Max(pool, MinCandidates);
        var spelling = new Dictionary<Guid, double>();
        // Paid only here, by a tenant that has knowledge: once per query (the built-in provider also remembers recent ones).
        var vector = await QueryVectorAsync(query.Text, cancellationToken);
        var similarity = new Dictionary<Guid, double>();
        if (named is { } namedSource)
        {
            var hits = await NamedSourceAsync(db, tenantId, query, terms, namedSource, vector, spelling, similarity, cancellationToken)
                ?? await RescoreAsync(db, tenantId, terms,
                    await LexicalIndex.SearchAsync(db, tenantId, query.Text, terms, query.AllowedCategories(), [namedSource], candidates, cancellationToken), pool, cancellationToken);
            Remember(hits);
            lists.Add((NamedSourceWeight, hits.Select(h => h.ChunkId).ToList()));
        }

        var lexical = await RescoreAsync(db, tenantId, terms,
            await LexicalIndex.SearchAsync(db, tenantId, query.Text, terms, query.AllowedCategories(), only, candidates, cancellationToken), pool, cancellationToken);
        Remember(lexical);
        lists.Add((1, lexical.Select(h => h.ChunkId).ToList()));

        if (vector is not null)
        {
            var semantic = await SemanticAsync(db, tenantId, query, vector, only, pool, cancellationToken);
            foreach (var (id, cosine) in semantic)
            {
                similarity[id] = cosine;
            }

            lists.Add((1, semantic.Select(s => s.Id).ToList()));
        }

        var fused = new Dictionary<Guid, double>();
        foreach (var (weight, ranked) in lists)
        {
            for (var rank = 0; rank < ranked.Count; rank++)
            {
                fused[ranked[rank]] = fused.GetValueOrDefault(ranked[rank]) + (weight / (RrfK + rank + 1));
            }
        }

        var order = fused.OrderByDescending(p => p.Value).Select(p => p.Key).ToList();
        if (order.Count == 0)
        {
            return [];
        }

        var rows = await db.Set<KnowledgeChunk>().AsNoTracking().Where(c => order.Contains(c.Id))
            .Join(db.Set<KnowledgeSource>(), c => c.SourceId, s => s.Id, (c, s) => new { c.Id, c.SourceId, c.Title, c.Text, s.Name, s.Url, s.Metadata, s.OwnerUserId })
            .ToListAsync(cancellationToken);
        var byId = rows.ToDictionary(r => r.Id);
        var passages = new List<Passage>();
        foreach (var id in order)
        {
            if (!byId.TryGetValue(id, out var row) || !MetadataMatches(row.Metadata, query.Metadata)
                || (row.OwnerUserId is { } owner && owner != query.Viewer && !query.SeesEveryonesFiles))
            {
                continue;
            }

            var lexicalConfidence = TextAnalysis.Coverage(terms, row.Title + " " + row.Text) * (0.6 + (0.4 * strength.GetValueOrDefault(id)));
            // An endpoint's cosine stands in for confidence (the operator's model, on its own scale); the built-in
            // encoder's is kept apart as a feature of its own (Passage.Similarity), which answers calibrate beside it.
            var semanticConfidence = embeddings.IsBuiltIn ? 0 : similarity.GetValueOrDefault(id);
            var confidence = Math.Clamp(Math.Max(Math.Max(lexicalConfidence, semanticConfidence), spelling.GetValueOrDefault(id)), 0, 1);
            if (confidence < query.ConfidenceThreshold)
            {
                continue;
            }

            passages.Add(new Passage(row.SourceId, row.Id, row.Name, row.Title, row.Url ?? MetadataUrl(row.Metadata), row.Text, Math.Round(confidence, 4))
            {
                InNamedSource = row.SourceId == named,
                Similarity = embeddings.IsBuiltIn && similarity.TryGetValue(id, out var cosine) ? Math.Round(cosine, 4) : null,
            });
            if (passages.Count == query.Limit)
            {
                break;
            }
        }

        return passages;

        void Remember(List<LexicalHit> hits)
        {
            foreach (var hit in hits)
            {
                strength[hit.ChunkId] = Math.Max(strength.GetValueOrDefault(hit.ChunkId), hit.Score);
            }
        }
    }

    /// <summary>
    /// The passages of the source the conversation is about, all of them (up to <see cref="MaxNamedSourceChunks"/>;
    /// a larger source is searched through the index instead: null), ranked by spelling-tolerant similarity
    /// to the question (<see cref="TrigramSimilarity"/>), BM25 over the tenant's statistics breaking near-ties.
    /// Reading them all replaces the index query for this source: a misheard or misspelt question ("is the wif
    /// free") shares no word with the passage it asks about, so the index would not return it. Each passage's
    /// similarity goes in <paramref name="spelling"/> (its confidence is at least that).
    /// </summary>
    private async Task<List<LexicalHit>?> NamedSourceAsync(ParleyDb db, Guid tenantId, KnowledgeQuery query, IReadOnlyList<string[]> terms, Guid source,
        float[]? vector, Dictionary<Guid, double> spelling, Dictionary<Guid, double> similarity, CancellationToken cancellationToken)
    {
        var model = embeddings.Model;
        var withVectors = vector is not null;
        var chunks = db.Set<KnowledgeChunk>().AsNoTracking().Where(c => c.SourceId == source);
        if (query.AllowedCategories() is { } categories)
        {
            var allowed = categories.ToList();
            chunks = chunks.Where(c => c.Category != null && allowed.Contains(c.Category));
        }

        var rows = await chunks.OrderBy(c => c.Ordinal)
            .Join(db.Set<KnowledgeSource>(), c => c.SourceId, s => s.Id, (c, s) => new { c.Id, c.Title, c.Text, s.Name, Embedding = withVectors && c.EmbeddingModel == model ? c.Embedding : null })
            .Take(MaxNamedSourceChunks + 1).ToListAsync(cancellationToken);
        if (rows.Count > MaxNamedSourceChunks)
        {
            return null;
        }

        if (rows.Count == 0)
        {
            return [];
        }

        var stats = await termStats.GetAsync(db, tenantId, terms, cancellationToken);
        var similar = TrigramSimilarity.Score(query.Text, rows[0].Name, rows.Select(r => (r.Title, r.Text)).ToList());
        var ranked = new List<(LexicalHit Hit, double Rank)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var bm25 = TenantBm25.Score(terms, stats, rows[i].Title, rows[i].Text);
            if (bm25 <= 0 && similar[i] <= 0 && (vector is null || rows[i].Embedding is null))
            {
                continue;
            }

            var cosine = 0.0;
            if (vector is not null && rows[i].Embedding is { } stored)
            {
                cosine = EmbeddingClient.Dot(EmbeddingClient.FromBytes(stored), vector);
                similarity[rows[i].Id] = cosine;
            }

            spelling[rows[i].Id] = similar[i];
            ranked.Add((new LexicalHit(rows[i].Id, source, bm25 / (bm25 + 5)), similar[i] + (SpellingBm25Weight * bm25) + (SemanticWeight * cosine)));
        }

        return ranked.OrderByDescending(r => r.Rank).ThenBy(r => r.Hit.ChunkId).Select(r => r.Hit).ToList();
    }

    /// <summary>
    /// The hits ranked by BM25 over the tenant's own statistics, strength mapped to 0-1 as FTS5's
    /// scores were (s / (s + 5)), the best <paramref name="keep"/> kept.
    /// </summary>
    private async Task<List<LexicalHit>> RescoreAsync(ParleyDb db, Guid tenantId, IReadOnlyList<string[]> terms, List<LexicalHit> hits, int keep, CancellationToken cancellationToken)
    {
        if (hits.Count == 0)
        {
            return hits;
        }

        var stats = await termStats.GetAsync(db, tenantId, terms, cancellationToken);
        var ids = hits.Select(h => h.ChunkId).ToList();
        var texts = await db.Set<KnowledgeChunk>().AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new { c.Id, c.Title, c.Text }).ToDictionaryAsync(c => c.Id, cancellationToken);
        return hits.Where(h => texts.ContainsKey(h.ChunkId))
            .Select(h => (Hit: h, Score: TenantBm25.Score(terms, stats, texts[h.ChunkId].Title, texts[h.ChunkId].Text)))
            .OrderByDescending(s => s.Score).ThenBy(s => s.Hit.ChunkId)
            .Take(keep)
            .Select(s => s.Hit with { Score = s.Score / (s.Score + 5) })
            .ToList();
    }

    /// <summary>The query's vector from the configured provider; null when none is configured or it fails.</summary>
    private async Task<float[]?> QueryVectorAsync(string text, CancellationToken cancellationToken)
    {
        if (!embeddings.IsConfigured)
        {
            return null;
        }

        try
        {
            return await embeddings.EmbedQueryAsync(text, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or EmbeddingUnavailableException && !cancellationToken.IsCancellationRequested)
        {
            // Lexical results still answer; the outage is logged, not shown to the customer.
            logger.LogWarning("Query embedding failed, searching lexically only: {Reason}", e.Message);
            return null;
        }
    }

    /// <summary>Brute-force cosine over the tenant's vectors from the configured model (no vector index exists for either engine here).</summary>
    private async Task<List<(Guid Id, double Cosine)>> SemanticAsync(ParleyDb db, Guid tenantId, KnowledgeQuery query, float[] vector, IReadOnlyCollection<Guid>? only, int pool, CancellationToken cancellationToken)
    {
        var model = embeddings.Model;
        if (await vectors.GetAsync(db, tenantId, model, cancellationToken) is { } held)
        {
            return Best(held.Score(vector, query.AllowedCategories(), only));
        }

        var candidates = db.Set<KnowledgeChunk>().AsNoTracking().Where(c => c.EmbeddingModel == model && c.Embedding != null);
        if (query.AllowedCategories() is { } categories)
        {
            var allowed = categories.ToList();
            candidates = candidates.Where(c => c.Category != null && allowed.Contains(c.Category));
        }

        if (only is not null)
        {
            candidates = candidates.Where(c => only.Contains(c.SourceId));
        }

        var scored = new List<(Guid, double)>();
        await foreach (var row in candidates.Select(c => new { c.Id, c.Embedding }).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            scored.Add((row.Id, EmbeddingClient.Dot(EmbeddingClient.FromBytes(row.Embedding!), vector)));
        }

        return Best(scored);

        List<(Guid Id, double Cosine)> Best(List<(Guid Id, double Cosine)> all)
        {
            // The built-in encoder puts unrelated sentences at cosine 0-0.2: below its floor a passage is not a semantic hit,
            // so a query about nothing in the knowledge base finds nothing (as keyword search), not the least far passages.
            var floor = embeddings.IsBuiltIn ? MinBuiltInCosine : double.NegativeInfinity;
            return all.Where(s => s.Cosine >= floor).OrderByDescending(s => s.Cosine).ThenBy(s => s.Id).Take(pool).ToList();
        }
    }

    private static bool MetadataMatches(string json, IReadOnlyDictionary<string, string>? wanted)
    {
        if (wanted is not { Count: > 0 })
        {
            return true;
        }

        using var document = JsonDocument.Parse(json);
        return wanted.All(w => document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty(w.Key, out var value)
            && string.Equals(value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText(), w.Value, StringComparison.OrdinalIgnoreCase));
    }

    private static string? MetadataUrl(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String
            ? url.GetString()
            : null;
    }
}
