namespace Parley.Engine.Entities;

/// <summary>
/// Finds entities in a customer message with patterns and the tenant's lookup lists: no model, no I/O,
/// safe to share between threads once constructed.
/// </summary>
public sealed class EntityExtractor
{
    private readonly EntityExtractionOptions options;
    private readonly LookupIndex lookups;

    public EntityExtractor(EntityExtractionOptions? options = null)
    {
        this.options = options ?? new EntityExtractionOptions();
        lookups = new LookupIndex(this.options.Lookups);
    }

    /// <summary>
    /// Returns non-overlapping entities in text order. Where candidates overlap the longest wins, then the
    /// more specific type, then the more confident reading.
    /// </summary>
    /// <param name="now">Reference for relative dates ("tomorrow"); its offset decides which calendar day is today.</param>
    public IReadOnlyList<ExtractedEntity> Extract(string text, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return [];
        }

        var reference = now ?? options.TimeProvider.GetLocalNow();
        var candidates = new List<Candidate>();
        ContactRecognizer.Find(text, options, candidates);
        DateRecognizer.Find(text, options, reference, candidates);
        TimeRecognizer.Find(text, candidates);
        TimeRecognizer.CombineDatesAndTimes(text, candidates);
        AmountRecognizer.Find(text, options, candidates);
        ReferenceRecognizer.Find(text, candidates);
        lookups.Find(text, candidates);
        return Resolve(candidates);
    }

    private static List<ExtractedEntity> Resolve(List<Candidate> candidates)
    {
        candidates.Sort(static (a, b) =>
        {
            var order = b.Length.CompareTo(a.Length);
            if (order == 0) order = b.Rank.CompareTo(a.Rank);
            if (order == 0) order = b.Entity.Confidence.CompareTo(a.Entity.Confidence);
            return order != 0 ? order : a.Entity.Start.CompareTo(b.Entity.Start);
        });

        var kept = new List<ExtractedEntity>();
        foreach (var candidate in candidates)
        {
            var entity = candidate.Entity;
            if (!kept.Exists(k => k.Start < entity.End && entity.Start < k.End))
            {
                kept.Add(entity);
            }
        }

        kept.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        return kept;
    }
}
