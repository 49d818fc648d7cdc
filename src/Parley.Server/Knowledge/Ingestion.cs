using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Infrastructure.Outbound;
using Parley.Server.Storage;

namespace Parley.Server.Knowledge;

/// <summary>Wakes the local worker when a job is queued (other instances find it on their next poll).</summary>
public sealed class IngestionSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);

    public void Notify() => _signal.Release();

    public void Dispose() => _signal.Dispose();

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (await _signal.WaitAsync(timeout, cancellationToken))
        {
            // Drain extra wake-ups: one pass takes every queued job anyway.
            while (_signal.CurrentCount > 0 && _signal.Wait(0, CancellationToken.None))
            {
            }
        }
    }
}

/// <summary>
/// The ingestion pipeline, in two jobs (decision 0030): extract → clean → chunk → store, after which the
/// source is ready and searchable by keywords; then, when an embeddings provider is configured, its
/// vectors are filled in by a job of their own (<see cref="EmbeddingFill"/>). Jobs are rows, so a restart
/// (or another instance) picks up what was queued or whose lease ran out.
/// </summary>
public sealed class Ingestion(
    IDbContextFactory<ParleyDb> factory,
    TextExtractor extractor,
    EmbeddingClient embeddings,
    EmbeddingFill fill,
    IHttpClientFactory http,
    Infrastructure.Caching.TenantChanges changes,
    WriteGate writes,
    IOptions<KnowledgeOptions> options,
    TimeProvider clock,
    ILogger<Ingestion> logger)
{
    public static KnowledgeJob Enqueue(ParleyDb db, KnowledgeSource source, DateTime now, string kind = JobKinds.Index)
    {
        var job = new KnowledgeJob
        {
            Id = Guid.NewGuid(),
            TenantId = source.TenantId,
            SourceId = source.Id,
            SourceVersion = source.Version,
            Kind = kind,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Set<KnowledgeJob>().Add(job);
        return job;
    }

    /// <summary>What a job records when it is claimed again after an attempt that never finished.</summary>
    internal const string UnfinishedAttempt = "An attempt did not finish (the worker stopped); trying once more.";

    /// <summary>
    /// Claims the oldest runnable job (queued, or leased with an expired lease); null when none.
    /// The attempt is counted at claim, before any work, so a worker that dies mid-way leaves it
    /// counted. An expired lease is such an unfinished attempt: the job is tried once more, and a
    /// second unfinished attempt (or running out of attempts) fails it instead of crashing again.
    /// </summary>
    public async Task<KnowledgeJob?> ClaimAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            var now = clock.GetUtcNow().UtcDateTime;
            var jobs = db.Set<KnowledgeJob>();
            var candidate = await jobs.AsNoTracking()
                .Where(j => j.Status == JobStatus.Queued || (j.Status == JobStatus.Leased && j.LeaseUntil < now))
                .OrderBy(j => j.CreatedAt).FirstOrDefaultAsync(cancellationToken);
            if (candidate is null)
            {
                return null;
            }

            var unfinished = candidate.Status == JobStatus.Leased;
            if (unfinished && (candidate.Error == UnfinishedAttempt || candidate.Attempts >= options.Value.MaxAttempts))
            {
                await PoisonAsync(db, candidate, now, cancellationToken);
                continue;
            }

            // Atomic claim: only the caller that still sees the same attempt count wins the row.
            var leaseUntil = now.AddSeconds(options.Value.LeaseSeconds);
            var error = unfinished ? UnfinishedAttempt : candidate.Error;
            int claimed;
            using (await writes.EnterAsync(cancellationToken))
            {
                claimed = await jobs.Where(j => j.Id == candidate.Id && j.Attempts == candidate.Attempts
                        && (j.Status == JobStatus.Queued || (j.Status == JobStatus.Leased && j.LeaseUntil < now)))
                    .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Leased).SetProperty(j => j.LeaseUntil, leaseUntil)
                        .SetProperty(j => j.Attempts, j => j.Attempts + 1).SetProperty(j => j.UpdatedAt, now).SetProperty(j => j.Error, error), cancellationToken);
            }

            if (claimed == 0)
            {
                return null;
            }

            candidate.Status = JobStatus.Leased;
            candidate.Attempts++;
            candidate.LeaseUntil = leaseUntil;
            candidate.Error = error;
            return candidate;
        }
    }

    /// <summary>Fails a job whose attempts keep dying with its worker, and its source with a reason the API shows.</summary>
    private async Task PoisonAsync(ParleyDb db, KnowledgeJob job, DateTime now, CancellationToken cancellationToken)
    {
        var embed = job.Kind == JobKinds.Embed;
        var reason = embed
            ? EmbeddingFill.Unavailable + "the worker stopped twice while filling in this source's vectors without making progress, so it is not tried again. "
                + "Update the source to retry."
            : "Indexing did not finish: the worker stopped while processing this source twice (the file may be malformed "
                + "or too large to read), so it is not tried again. Upload a corrected file to retry.";
        db.TenantScope = new FixedTenantScope(job.TenantId);
        using (await writes.EnterAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var failed = await db.Set<KnowledgeJob>().Where(j => j.Id == job.Id && j.Attempts == job.Attempts && j.Status == JobStatus.Leased && j.LeaseUntil < now)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Failed).SetProperty(j => j.LeaseUntil, (DateTime?)null)
                    .SetProperty(j => j.Error, reason).SetProperty(j => j.UpdatedAt, now), cancellationToken);
            if (failed == 1)
            {
                await db.Set<KnowledgeSource>().Where(s => s.Id == job.SourceId && s.Version == job.SourceVersion).ExecuteUpdateAsync(s =>
                {
                    s.SetProperty(x => x.Error, reason);
                    if (embed)
                    {
                        // The passages stay searchable by keywords: only the vectors are given up.
                        s.SetProperty(x => x.EmbeddingState, EmbeddingStates.Failed);
                    }
                    else
                    {
                        s.SetProperty(x => x.Status, SourceStatus.Failed);
                    }
                }, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        logger.LogError("Knowledge source {SourceId} failed: job {JobId} did not finish {Attempts} attempts", job.SourceId, job.Id, job.Attempts);
    }

    public async Task ProcessAsync(KnowledgeJob job, CancellationToken cancellationToken)
    {
        if (job.Kind == JobKinds.Embed)
        {
            await fill.ProcessAsync(job, cancellationToken);
            return;
        }

        string? error = null;
        var retry = false;
        try
        {
            await IndexAsync(job, cancellationToken);
        }
        catch (ExtractionException e)
        {
            error = e.Message;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OutboundBlockedException && !cancellationToken.IsCancellationRequested)
        {
            error = "The page could not be fetched: " + OutboundHttp.Describe(e);
            retry = e is not OutboundBlockedException && !(e is HttpRequestException { InnerException: OutboundBlockedException });
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "Ingestion of source {SourceId} failed", job.SourceId);
            error = "Indexing failed: " + e.Message;
            retry = true;
        }

        if (error is not null)
        {
            await FinishAsync(job, retry && job.Attempts < options.Value.MaxAttempts, error, cancellationToken);
        }
    }

    private async Task IndexAsync(KnowledgeJob job, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.TenantScope = new FixedTenantScope(job.TenantId);
        var source = await db.Set<KnowledgeSource>().FirstOrDefaultAsync(s => s.Id == job.SourceId, cancellationToken);
        if (source is null || source.Version != job.SourceVersion)
        {
            // Deleted, or changed again since: a newer job carries the newer version.
            await MarkJobAsync(db, job, JobStatus.Done, null, cancellationToken);
            return;
        }

        source.Status = SourceStatus.Processing;
        (source.ProgressDone, source.ProgressTotal) = (0, 0);
        await SaveAsync(db, cancellationToken);

        var settings = options.Value;
        var drafts = source.Type switch
        {
            SourceTypes.Faq => Chunker.FaqChunks(Chunker.ParseFaq(source.Content)),
            SourceTypes.File => Chunker.Split(source.Content = await ExtractFileAsync(db, source, cancellationToken), source.Name, settings.ChunkChars, settings.ChunkOverlapChars),
            SourceTypes.Url => Chunker.Split(source.Content = await FetchAsync(source.Url!, cancellationToken), source.Name, settings.ChunkChars, settings.ChunkOverlapChars),
            _ => Chunker.Split(source.Content, source.Name, settings.ChunkChars, settings.ChunkOverlapChars),
        };
        if (drafts.Count > settings.MaxChunks)
        {
            throw new ExtractionException($"document too large: more than {settings.MaxChunks} passages.");
        }

        // Written to the row of this version only: the tracked source (its extracted text) is saved with the chunks,
        // after the version check, so a change made meanwhile is never overwritten.
        source.ProgressTotal = drafts.Count;
        await ReportAsync(db, job, done: 0, total: drafts.Count, cancellationToken);

        // Vectors are not waited for: the passages are stored without them (keyword search finds them at once)
        // and a job of their own fills them in (EmbeddingFill).
        var fillVectors = embeddings.IsConfigured && drafts.Count > 0;
        var now = clock.GetUtcNow().UtcDateTime;
        using (await writes.EnterAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Set<KnowledgeChunk>().Where(c => c.SourceId == source.Id).ExecuteDeleteAsync(cancellationToken);
            var current = await db.Set<KnowledgeSource>().AsNoTracking().Where(s => s.Id == source.Id).Select(s => (int?)s.Version).FirstOrDefaultAsync(cancellationToken);
            if (current != job.SourceVersion)
            {
                await transaction.RollbackAsync(cancellationToken);
                db.ChangeTracker.Clear();
                await MarkJobAsync(db, job, JobStatus.Done, null, cancellationToken);
                return;
            }

            db.Set<KnowledgeChunk>().AddRange(drafts.Select((d, i) => new KnowledgeChunk
            {
                Id = Guid.NewGuid(),
                TenantId = source.TenantId,
                SourceId = source.Id,
                Ordinal = i,
                Title = d.Title,
                Text = d.Text,
                Category = source.Category,
            }));
            source.Status = SourceStatus.Ready;
            source.Error = null;
            source.ChunkCount = drafts.Count;
            source.ProgressDone = drafts.Count;
            source.EmbeddingState = fillVectors ? EmbeddingStates.Pending : embeddings.IsConfigured ? EmbeddingStates.Ready : EmbeddingStates.Off;
            source.EmbeddingDone = 0;
            source.EmbeddingModel = embeddings.IsConfigured ? embeddings.Model : null;
            source.IndexedAt = now;
            if (fillVectors)
            {
                Enqueue(db, source, now, JobKinds.Embed);
            }

            var tracked = await db.Set<KnowledgeJob>().FirstAsync(j => j.Id == job.Id, cancellationToken);
            tracked.Status = JobStatus.Done;
            tracked.Error = null;
            tracked.UpdatedAt = now;
            tracked.LeaseUntil = null;
            await db.SaveChangesAsync(cancellationToken);
            await db.Set<KnowledgeFile>().Where(f => f.SourceId == source.Id).ExecuteDeleteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        if (db.Database.IsSqlite())
        {
            // Fresh statistics once tables grow, or SQLite's planner walks a tenant's every chunk
            // (tenant index) to find the few it was asked for by id. Cheap when little changed.
            await db.Database.ExecuteSqlRawAsync("PRAGMA optimize=0x10002;", cancellationToken);
        }

        await changes.ChangedAsync(source.TenantId, CancellationToken.None);
        logger.LogInformation("Indexed knowledge source {SourceId}: {Chunks} chunks, searchable by keywords", source.Id, drafts.Count);
    }

    private async Task<string> ExtractFileAsync(ParleyDb db, KnowledgeSource source, CancellationToken cancellationToken)
    {
        var file = await db.Set<KnowledgeFile>().AsNoTracking().FirstOrDefaultAsync(f => f.SourceId == source.Id, cancellationToken);
        if (file is null)
        {
            // Already extracted by an earlier run (the bytes are dropped once indexed).
            return source.Content;
        }

        var kind = FileFormats.FromContentType(source.ContentType) ?? FileKind.Text;
        return Chunker.Clean(await extractor.ExtractAsync(kind, file.Data, cancellationToken));
    }

    private async Task<string> FetchAsync(string url, CancellationToken cancellationToken)
    {
        var client = http.CreateClient(OutboundHttp.ClientName);
        using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new ExtractionException($"The page answered {(int)response.StatusCode}.");
        }

        var max = options.Value.MaxDocumentBytes;
        if (response.Content.Headers.ContentLength > max)
        {
            throw new ExtractionException($"The page is larger than {max} bytes.");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > max)
            {
                throw new ExtractionException($"The page is larger than {max} bytes.");
            }
        }

        var data = buffer.ToArray();
        var kind = FileFormats.FromContentType(response.Content.Headers.ContentType?.MediaType) ?? FileKind.Html;
        var sniffed = FileFormats.Sniff("page" + kind switch { FileKind.Pdf => ".pdf", FileKind.Docx => ".docx", _ => "" }, data, options.Value.MaxArchiveEntries);
        if (sniffed.Kind is null)
        {
            throw new ExtractionException("The page is not a supported format: " + sniffed.Reason);
        }

        return Chunker.Clean(await extractor.ExtractAsync(kind is FileKind.Text && sniffed.Kind != FileKind.Text ? sniffed.Kind.Value : kind, data, cancellationToken));
    }

    private async Task FinishAsync(KnowledgeJob job, bool retry, string error, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.TenantScope = new FixedTenantScope(job.TenantId);
        var source = await db.Set<KnowledgeSource>().FirstOrDefaultAsync(s => s.Id == job.SourceId && s.Version == job.SourceVersion, cancellationToken);
        if (source is not null)
        {
            source.Status = retry ? SourceStatus.Queued : SourceStatus.Failed;
            source.Error = error;
            if (!retry && source.EmbeddingState == EmbeddingStates.Pending)
            {
                // No passages, so no vectors will come.
                source.EmbeddingState = EmbeddingStates.Failed;
            }
        }

        logger.LogWarning("Ingestion of source {SourceId} failed (attempt {Attempt}, retry {Retry}): {Error}", job.SourceId, job.Attempts, retry, error);
        await MarkJobAsync(db, job, retry ? JobStatus.Queued : JobStatus.Failed, error, cancellationToken);
    }

    private async Task MarkJobAsync(ParleyDb db, KnowledgeJob job, string status, string? error, CancellationToken cancellationToken)
    {
        var tracked = await db.Set<KnowledgeJob>().FirstOrDefaultAsync(j => j.Id == job.Id, cancellationToken);
        if (tracked is not null)
        {
            tracked.Status = status;
            tracked.Error = error;
            tracked.LeaseUntil = null;
            tracked.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        }

        await SaveAsync(db, cancellationToken);
    }

    /// <summary>Passages cut so far, written straight to the row (the tracked source is saved with the chunks).</summary>
    private async Task ReportAsync(ParleyDb db, KnowledgeJob job, int done, int total, CancellationToken cancellationToken)
    {
        using (await writes.EnterAsync(cancellationToken))
        {
            await db.Set<KnowledgeSource>().Where(s => s.Id == job.SourceId && s.Version == job.SourceVersion)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.ProgressDone, done).SetProperty(s => s.ProgressTotal, total), cancellationToken);
        }
    }

    private async Task SaveAsync(ParleyDb db, CancellationToken cancellationToken)
    {
        using (await writes.EnterAsync(cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}

/// <summary>Drains the queue: one job at a time per instance, woken by new jobs or every PollSeconds.</summary>
public sealed class IngestionWorker(Ingestion ingestion, IngestionSignal signal, IOptions<KnowledgeOptions> options, ILogger<IngestionWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromSeconds(options.Value.PollSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var job = await ingestion.ClaimAsync(stoppingToken);
                if (job is not null)
                {
                    await ingestion.ProcessAsync(job, stoppingToken);
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The job stays leased; its lease runs out and it is tried again.
                logger.LogError(e, "Knowledge ingestion worker error");
            }

            try
            {
                await signal.WaitAsync(poll, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
