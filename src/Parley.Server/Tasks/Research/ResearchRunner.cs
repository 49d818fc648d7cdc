using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Parley.Server.Knowledge;
using Parley.Server.Tasks.Analysis;

namespace Parley.Server.Tasks.Research;

/// <summary>
/// Three-Database Chatbot research over the tenant's knowledge base: several retrieval queries (the topic, the topic
/// narrowed by each requested source and scope, and its key terms), passages merged by chunk and
/// ranked, then a report whose every finding cites a numbered passage. With no matching knowledge
/// the report says so and nothing is made up.
/// </summary>
public sealed partial class ResearchRunner(IKnowledgeSearch knowledge, IServiceProvider services, InsightWriter writer)
{
    private const int PerQuery = 8;
    private const int MaxCitations = 8;

    public async Task<TaskResults> RunAsync(Guid tenantId, ResearchRequest request, CancellationToken cancellationToken)
    {
        var topic = request.Topic!.Trim();
        var queries = Queries(topic, request.Scope, request.Sources).ToList();
        var found = new Dictionary<Guid, (Passage Passage, int Hits)>();
        foreach (var query in queries)
        {
            foreach (var passage in await knowledge.SearchAsync(tenantId, query, PerQuery, cancellationToken))
            {
                found[passage.ChunkId] = found.TryGetValue(passage.ChunkId, out var seen)
                    ? (seen.Passage.Score >= passage.Score ? seen.Passage : passage, seen.Hits + 1)
                    : (passage, 1);
            }
        }

        // Passages that several queries agree on rank first, then by relevance.
        var ranked = found.Values.OrderByDescending(f => f.Hits).ThenByDescending(f => f.Passage.Score).Take(MaxCitations).ToList();
        var citations = ranked.Select((f, i) => new Citation(i + 1, f.Passage.SourceId, f.Passage.ChunkId, f.Passage.SourceName, f.Passage.Title, f.Passage.Url,
            Math.Round(f.Passage.Score, 4), Excerpt(f.Passage.Text, topic))).ToList();
        var q = new Dictionary<string, object?>
        {
            ["queries_run"] = queries.Count,
            ["queries"] = queries,
            ["passages_found"] = found.Count,
            ["passages_cited"] = citations.Count,
            ["sources_cited"] = citations.Select(c => c.SourceId).Distinct().Count(),
            ["average_relevance"] = citations.Count == 0 ? null : Math.Round(citations.Average(c => c.Score), 4),
        };

        if (citations.Count == 0)
        {
            return new TaskResults(
                $"The knowledge base has nothing on \"{topic}\": {queries.Count} searches found no passages, so there is nothing to report.",
                [], q, [$"Add knowledge sources that cover \"{topic}\", then run this research again."], [], "figures", "knowledge");
        }

        var findings = citations.Select(c => $"{c.Excerpt} [{c.Index}]").ToList();
        var summary = $"{citations.Count} passages from {q["sources_cited"]} source(s) in the knowledge base address \"{topic}\" ({found.Count} found by {queries.Count} searches).";
        var recommendations = new List<string>();
        var weak = citations.Count(c => c.Score < 0.3);
        if (weak > 0)
        {
            recommendations.Add($"{weak} of the {citations.Count} cited passages match weakly (relevance below 0.3): the knowledge base may cover \"{topic}\" only in part.");
        }

        if (citations.Select(c => c.SourceId).Distinct().Count() == 1)
        {
            recommendations.Add($"Every finding comes from one source ({citations[0].SourceName}); add independent sources to corroborate it.");
        }

        if (recommendations.Count == 0)
        {
            recommendations.Add($"Review the {citations.Count} cited passages below; they are the knowledge base's current answer on \"{topic}\".");
        }

        var generatedBy = "retrieval";
        if (services.GetService<IChatClient>() is { } chat)
        {
            var prompt = $$"""
                Research topic: {{topic}} (scope: {{request.Scope ?? "general"}}).
                Numbered passages from the knowledge base:
                {{string.Join("\n", ranked.Select((f, i) => $"[{i + 1}] {f.Passage.Title}: {f.Passage.Text}"))}}
                Answer with one JSON object and nothing else: {"summary": "...", "insights": ["finding [n]", ...], "recommendations": ["..."]}.
                Use only these passages and cite each finding with its [n].
                """;
            if (await writer.AskAsync(chat, prompt, cancellationToken) is { } written)
            {
                (summary, findings, recommendations, generatedBy) = (written.Summary, written.Insights, written.Recommendations, "llm");
            }
        }

        return new TaskResults(summary, findings, q, recommendations, citations, generatedBy, "knowledge");
    }

    private static IEnumerable<string> Queries(string topic, string? scope, IReadOnlyList<string>? sources)
    {
        var queries = new List<string> { topic };
        foreach (var source in sources ?? [])
        {
            queries.Add($"{topic} {source.Trim()}");
        }

        if (!string.IsNullOrWhiteSpace(scope) && scope is not ("comprehensive" or "general"))
        {
            queries.Add($"{topic} {scope.Trim()}");
        }

        var terms = Words().Matches(topic).Select(m => m.Value).Where(w => w.Length > 3).OrderByDescending(w => w.Length).Take(3).ToList();
        if (terms.Count > 1)
        {
            queries.AddRange(terms);
        }

        return queries.Distinct(StringComparer.OrdinalIgnoreCase).Take(8);
    }

    /// <summary>The passage's sentences that mention the topic's words (its opening otherwise), at most ~300 characters.</summary>
    private static string Excerpt(string text, string topic)
    {
        var words = Words().Matches(topic).Select(m => m.Value.ToLowerInvariant()).Where(w => w.Length > 3).ToHashSet();
        var sentences = Sentences().Split(text.Trim()).Where(s => s.Length > 0).ToList();
        var relevant = sentences.Where(s => words.Any(w => s.Contains(w, StringComparison.OrdinalIgnoreCase))).ToList();
        var chosen = string.Join(' ', (relevant.Count > 0 ? relevant : sentences).Take(2));
        return chosen.Length <= 300 ? chosen : chosen[..297] + "...";
    }

    [GeneratedRegex(@"\p{L}[\p{L}\p{N}'-]*")]
    private static partial Regex Words();

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex Sentences();
}
