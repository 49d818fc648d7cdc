using System.Diagnostics;
using System.Globalization;
using System.Text;
using Parley.Server.Storage;
using Parley.Server.Tenants;

namespace Parley.Server.Knowledge.Evaluation;

/// <summary>
/// <c>bench-knowledge [--chunks N] [--queries N]</c>: ingestion throughput (chunks/s through the
/// queue, chunker and FTS5 index) and search latency (the product's hybrid search service, in
/// process, no HTTP) over a synthetic corpus on SQLite. Words follow a Zipf distribution over a
/// 20,000-word vocabulary so the index has realistic posting-list lengths.
/// </summary>
public static class KnowledgeBenchmark
{
    public static async Task RunAsync(int chunks, int queries, TextWriter output, CancellationToken ct)
    {
        var temp = Directory.CreateTempSubdirectory("parley-bench-knowledge-");
        try
        {
            await using var app = await EvaluationHost.StartAsync(temp.FullName, ct);
            var random = new Random(42);
            var vocabulary = Enumerable.Range(0, 20_000).Select(i => Word(i)).ToArray();
            var cumulative = new double[vocabulary.Length];
            var total = 0.0;
            for (var i = 0; i < vocabulary.Length; i++)
            {
                total += 1.0 / (i + 1);
                cumulative[i] = total;
            }

            string Sample()
            {
                var x = random.NextDouble() * total;
                var index = Array.BinarySearch(cumulative, x);
                return vocabulary[index < 0 ? ~index : index];
            }

            const int ChunksPerSource = 500;
            var sources = Math.Max(1, chunks / ChunksPerSource);
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
                var now = DateTime.UtcNow;
                for (var s = 0; s < sources; s++)
                {
                    var text = new StringBuilder();
                    for (var c = 0; c < ChunksPerSource; c++)
                    {
                        // One paragraph of ~60 words per chunk: below ChunkChars, so one chunk each.
                        for (var w = 0; w < 60; w++)
                        {
                            text.Append(Sample()).Append(w % 12 == 11 ? ". " : " ");
                        }

                        text.Append("\n\n# Section ").Append(c).Append("\n\n");
                    }

                    var source = new KnowledgeSource
                    {
                        Id = Guid.NewGuid(),
                        TenantId = Tenant.PlatformId,
                        Name = $"Manual {s}",
                        Type = SourceTypes.Document,
                        Content = text.ToString(),
                        CreatedAt = now,
                        UpdatedAt = now,
                    };
                    db.Set<KnowledgeSource>().Add(source);
                    Ingestion.Enqueue(db, source, now);
                }

                await db.SaveChangesAsync(ct);
            }

            var process = Process.GetCurrentProcess();
            var cpu0 = process.TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            // As the worker runs them: every source's indexing job (searchable by keywords once each is done), then
            // the jobs that fill in their vectors (decision 0030), which queue behind them.
            var ingestion = app.Services.GetRequiredService<Ingestion>();
            var searchable = 0.0;
            while (await ingestion.ClaimAsync(ct) is { } job)
            {
                await ingestion.ProcessAsync(job, ct);
                if (job.Kind == JobKinds.Index)
                {
                    searchable = Stopwatch.GetElapsedTime(started).TotalSeconds;
                }
            }

            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            process.Refresh();
            var ingestCpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
            int indexed, embedded;
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var stored = scope.ServiceProvider.GetRequiredService<ParleyDb>().Set<KnowledgeChunk>();
                indexed = stored.Count();
                embedded = stored.Count(c => c.Embedding != null);
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ingestion: {indexed} chunks from {sources} sources in {seconds:F1} s = {indexed / seconds:F0} chunks/s (process CPU {ingestCpu:F1} s = {indexed / ingestCpu:F0} chunks per CPU-second)"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"time to searchable (every source ready, keyword index): {searchable:F2} s; time to fully embedded: {seconds:F2} s ({embedded} of {indexed} chunks with a vector)"));

            var search = app.Services.GetRequiredService<IKnowledgeSearch>();
            var texts = Enumerable.Range(0, queries + 50).Select(_ =>
                string.Join(' ', Enumerable.Range(0, 3).Select(_ => vocabulary[random.Next(50, 5_000)]))).ToList();
            var timings = new List<double>();
            var found = 0;
            var cpu1 = TimeSpan.Zero;
            for (var i = 0; i < texts.Count; i++)
            {
                if (i == 50)
                {
                    process.Refresh();
                    cpu1 = process.TotalProcessorTime;
                }

                var t0 = Stopwatch.GetTimestamp();
                var results = await search.SearchAsync(Tenant.PlatformId, new KnowledgeQuery(texts[i], 5), ct);
                var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                if (i >= 50)
                {
                    timings.Add(ms);
                    found += results.Count > 0 ? 1 : 0;
                }
            }

            process.Refresh();
            var searchCpuMs = (process.TotalProcessorTime - cpu1).TotalMilliseconds / queries;
            timings.Sort();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"search: {queries} queries over {indexed} chunks (3 words, limit 5): p50 {Percentile(timings, 0.50):F2} ms, p99 {Percentile(timings, 0.99):F2} ms, max {timings[^1]:F2} ms; {found} with results; process CPU {searchCpuMs:F2} ms per query"));
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

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    // Pronounceable pseudo-words: distinct, stable, and not English stop words.
    private static string Word(int i)
    {
        const string consonants = "bcdfghjklmnprstvz";
        const string vowels = "aeiou";
        var word = new StringBuilder();
        var n = i + 1000;
        while (n > 0)
        {
            word.Append(consonants[n % consonants.Length]).Append(vowels[(n / consonants.Length) % vowels.Length]);
            n /= consonants.Length * vowels.Length;
        }

        return word.ToString();
    }
}
