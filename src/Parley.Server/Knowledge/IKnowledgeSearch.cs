namespace Parley.Server.Knowledge;

/// <summary>A retrieved chunk of the tenant's knowledge base with its relevance (0-1).</summary>
public sealed record Passage(Guid SourceId, Guid ChunkId, string SourceName, string Title, string? Url, string Text, double Score)
{
    /// <summary>Whether the passage is from the source the query or the conversation names (the entity under discussion).</summary>
    public bool InNamedSource { get; init; }

    /// <summary>Cosine similarity of the query and the passage by the embeddings provider, when both have vectors of one model.</summary>
    public double? Similarity { get; init; }
}

/// <summary>A knowledge passage an answer rests on; ids are stable (source id + chunk id).</summary>
public sealed record CitationView(string Id, string SourceId, string ChunkId, string Source, string Title, string? Url, string Excerpt, double Confidence)
{
    /// <summary>The passage as answers and <c>/knowledge/search</c> cite it: an excerpt of at most 240 characters.</summary>
    public static CitationView Of(Passage p) => new(
        $"{p.SourceId:N}:{p.ChunkId:N}", p.SourceId.ToString(), p.ChunkId.ToString(), p.SourceName, p.Title, p.Url,
        p.Text.Length <= 240 ? p.Text : p.Text[..237] + "...", Math.Round(p.Score, 4));
}

/// <summary>
/// Retrieval from the caller's knowledge base. The answer engine asks it on every turn; until a
/// tenant has knowledge (or while no index is configured) it finds nothing and the engine answers
/// without citations rather than inventing them.
/// </summary>
public interface IKnowledgeSearch
{
    Task<IReadOnlyList<Passage>> SearchAsync(Guid tenantId, string query, int limit, CancellationToken cancellationToken);

    /// <summary>The full form: a category filter, earlier turns that may name what is asked about, a minimum confidence.</summary>
    Task<IReadOnlyList<Passage>> SearchAsync(Guid tenantId, KnowledgeQuery query, CancellationToken cancellationToken)
        => SearchAsync(tenantId, query.Text, query.Limit, cancellationToken);
}

/// <summary>
/// A search: <see cref="Context"/> holds earlier turns of the conversation, newest first;
/// <see cref="Metadata"/> keeps only sources whose metadata has each key with that value.
/// </summary>
public sealed record KnowledgeQuery(string Text, int Limit = 5)
{
    public string? Category { get; init; }

    /// <summary>Categories the asking assistant may use (empty: all); narrows <see cref="Category"/> further.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];
    public IReadOnlyList<string> Context { get; init; } = [];
    public double ConfidenceThreshold { get; init; }
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
    public Guid? SourceId { get; init; }

    /// <summary>Who asks: a user's private uploads are found only for them (or for staff, below).</summary>
    public Guid? Viewer { get; init; }

    /// <summary>Agents and admins searching the API see every user's uploads; answers to a user never do.</summary>
    public bool SeesEveryonesFiles { get; init; }

    /// <summary>The categories a passage may come from: null for any, empty for none.</summary>
    public IReadOnlyCollection<string>? AllowedCategories() => (Category, Categories.Count) switch
    {
        (null, 0) => null,
        (null, _) => Categories,
        ({ } one, 0) => [one],
        ({ } one, _) => Categories.Contains(one, StringComparer.Ordinal) ? [one] : [],
    };
}

/// <summary>The search used while no knowledge index exists: it has nothing to find.</summary>
public sealed class EmptyKnowledgeSearch : IKnowledgeSearch
{
    public Task<IReadOnlyList<Passage>> SearchAsync(Guid tenantId, string query, int limit, CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<Passage>>([]);
}
