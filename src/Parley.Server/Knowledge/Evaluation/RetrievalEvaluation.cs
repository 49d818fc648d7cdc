using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Storage;
using Parley.Server.Tenants;

namespace Parley.Server.Knowledge.Evaluation;

/// <summary>P@1 (= R@1 with one gold snippet per turn), R@5 and MRR@5 over the knowledge-seeking turns.</summary>
public sealed record RetrievalReport(int Queries, int Documents, int Sources, double PrecisionAt1, double RecallAt1, double RecallAt5, double Mrr, double IngestChunksPerSecond, double SearchMsP50);

/// <summary>
/// <c>eval retrieval --data &lt;path&gt;</c> on DSTC10 Track 2 Task 2 (validation, the only split with
/// logs; see SOURCE.md): every FAQ entity becomes a knowledge source of type faq (its name is the
/// entity name, its category the domain), ingested into a throwaway SQLite database by the
/// product's own queue, chunker and FTS5 index; each of the 104 knowledge-seeking turns is then a
/// product search with the last user turn as the query and the earlier turns as conversation
/// context, exactly what a chat turn passes. Gold is the one labelled FAQ snippet.
/// </summary>
public static class RetrievalEvaluation
{
    public static async Task<RetrievalReport> RunAsync(string dataPath, TextWriter output, CancellationToken ct)
    {
        var root = File.Exists(Path.Combine(dataPath, "knowledge.json")) ? dataPath : Path.Combine(dataPath, "retrieval", "dstc10_faq");
        if (!File.Exists(Path.Combine(root, "knowledge.json")))
        {
            root = Path.Combine(dataPath, "dstc10_faq");
        }

        if (!File.Exists(Path.Combine(root, "knowledge.json")) || !File.Exists(Path.Combine(root, "val", "logs.json")))
        {
            throw new FileNotFoundException($"No DSTC10 FAQ data (knowledge.json, val/logs.json, val/labels.json) under {dataPath}.");
        }

        var temp = Directory.CreateTempSubdirectory("parley-eval-retrieval-");
        try
        {
            await using var app = await EvaluationHost.StartAsync(temp.FullName, ct);
            var (sources, keys, documents) = await LoadAsync(app.Services, root, ct);
            var started = Stopwatch.GetTimestamp();
            await EvaluationHost.DrainAsync(app.Services, ct);

            var ingestSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var chunkKeys = await ChunkKeysAsync(app.Services, keys, ct);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Ingested {documents} FAQ snippets from {sources} sources in {ingestSeconds:F1} s ({chunkKeys.Count / ingestSeconds:F0} chunks/s)."));

            var search = app.Services.GetRequiredService<IKnowledgeSearch>();
            using var logs = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(root, "val", "logs.json"), ct));
            using var labels = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(root, "val", "labels.json"), ct));
            var instances = logs.RootElement.EnumerateArray().Zip(labels.RootElement.EnumerateArray());
            int queries = 0, hit1 = 0, hit5 = 0;
            double reciprocal = 0;
            var timings = new List<double>();
            foreach (var (log, label) in instances)
            {
                if (!label.GetProperty("target").GetBoolean())
                {
                    continue;
                }

                var gold = label.GetProperty("knowledge")[0];
                var goldKey = Key(gold.GetProperty("domain").GetString()!, gold.GetProperty("entity_id").ToString(), gold.GetProperty("doc_id").ToString());
                var turns = log.EnumerateArray().Select(t => t.GetProperty("text").GetString() ?? "").ToList();
                var query = new KnowledgeQuery(turns[^1], 5) { Context = turns.Take(turns.Count - 1).Reverse().ToList() };
                var t0 = Stopwatch.GetTimestamp();
                var found = await search.SearchAsync(Tenant.PlatformId, query, ct);
                timings.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                var ranked = found.Select(p => chunkKeys.GetValueOrDefault(p.ChunkId)).ToList();
                var rank = ranked.IndexOf(goldKey);
                queries++;
                hit1 += rank == 0 ? 1 : 0;
                hit5 += rank is >= 0 and < 5 ? 1 : 0;
                reciprocal += rank is >= 0 and < 5 ? 1.0 / (rank + 1) : 0;
            }

            timings.Sort();
            var report = new RetrievalReport(queries, documents, sources, (double)hit1 / queries, (double)hit1 / queries, (double)hit5 / queries, reciprocal / queries,
                chunkKeys.Count / ingestSeconds, timings[timings.Count / 2]);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"DSTC10 FAQ retrieval (validation, {queries} knowledge-seeking turns): P@1 {report.PrecisionAt1:F3}  R@1 {report.RecallAt1:F3}  R@5 {report.RecallAt5:F3}  MRR@5 {report.Mrr:F3}  (search p50 {report.SearchMsP50:F2} ms)"));
            output.WriteLine("Published on this split: DSTC9 baseline R@1 0.444 R@5 0.690 MRR@5 0.541; Knover R@1 0.526 R@5 0.667 MRR@5 0.578.");
            return report;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                temp.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS temp cleaner.
            }
        }
    }

    private static string Key(string domain, string entity, string doc) => $"{domain}__{entity}__{doc}";

    private static async Task<(int Sources, Dictionary<(Guid, int), string> Keys, int Documents)> LoadAsync(IServiceProvider services, string root, CancellationToken ct)
    {
        using var knowledge = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(root, "knowledge.json"), ct));
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        var now = DateTime.UtcNow;
        var keys = new Dictionary<(Guid, int), string>();
        int sources = 0, documents = 0;
        foreach (var domain in knowledge.RootElement.EnumerateObject())
        {
            foreach (var entity in domain.Value.EnumerateObject())
            {
                var name = entity.Value.GetProperty("name").ValueKind == JsonValueKind.String ? entity.Value.GetProperty("name").GetString()! : domain.Name;
                var pairs = new List<FaqPair>();
                var source = new KnowledgeSource { Id = Guid.NewGuid(), TenantId = Tenant.PlatformId, Name = name, Type = SourceTypes.Faq, Category = domain.Name, CreatedAt = now, UpdatedAt = now };
                foreach (var doc in entity.Value.GetProperty("docs").EnumerateObject())
                {
                    keys[(source.Id, pairs.Count)] = Key(domain.Name, entity.Name, doc.Name);
                    pairs.Add(new FaqPair(doc.Value.GetProperty("title").GetString(), doc.Value.GetProperty("body").GetString()));
                }

                source.Content = JsonSerializer.Serialize(pairs, Chunker.FaqJson);
                db.Set<KnowledgeSource>().Add(source);
                Ingestion.Enqueue(db, source, now);
                sources++;
                documents += pairs.Count;
            }
        }

        await db.SaveChangesAsync(ct);
        return (sources, keys, documents);
    }

    private static async Task<Dictionary<Guid, string>> ChunkKeysAsync(IServiceProvider services, Dictionary<(Guid, int), string> keys, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        var chunks = await db.Set<KnowledgeChunk>().AsNoTracking().Select(c => new { c.Id, c.SourceId, c.Ordinal }).ToListAsync(ct);
        return chunks.ToDictionary(c => c.Id, c => keys[(c.SourceId, c.Ordinal)]);
    }
}
