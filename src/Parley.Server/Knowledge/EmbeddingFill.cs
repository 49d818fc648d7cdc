using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Storage;

namespace Parley.Server.Knowledge;

/// <summary>
/// The second phase of ingestion (decision 0030): fills in the vectors of a source version whose passages are
/// already stored and searchable by keywords. A batch of passages without a vector is embedded, then written in
/// one short transaction that first checks (and on PostgreSQL locks) the source row at the job's version, so a
/// changed or deleted source never receives vectors of its old text, and a newer version's passages (new ids)
/// are never touched. Each batch renews the job's lease; a stopped worker's job is claimed again and resumes
/// with the passages still without a vector. Search is told at most every <see cref="EmbeddingOptions.RefreshSeconds"/>
/// to reload the tenant's vectors, so passages count by meaning as their batches land.
/// </summary>
public sealed class EmbeddingFill(
    IDbContextFactory<ParleyDb> factory,
    EmbeddingClient embeddings,
    Infrastructure.Caching.TenantChanges changes,
    WriteGate writes,
    IOptions<KnowledgeOptions> options,
    TimeProvider clock,
    ILogger<EmbeddingFill> logger)
{
    /// <summary>How the reason for missing vectors starts (the source stays ready for keyword search).</summary>
    public const string Unavailable = "Embeddings unavailable, indexed for keyword search only: ";

    public async Task ProcessAsync(KnowledgeJob job, CancellationToken cancellationToken)
    {
        string? error = null;
        try
        {
            await FillAsync(job, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or EmbeddingUnavailableException
            && !cancellationToken.IsCancellationRequested)
        {
            error = Unavailable + e.Message;
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "Filling in the vectors of source {SourceId} failed", job.SourceId);
            error = Unavailable + "storing vectors failed: " + e.Message;
        }

        if (error is not null)
        {
            await FailAsync(job, job.Attempts < options.Value.MaxAttempts, error, cancellationToken);
        }
    }

    private async Task FillAsync(KnowledgeJob job, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.TenantScope = new FixedTenantScope(job.TenantId);
        var sources = db.Set<KnowledgeSource>().Where(s => s.Id == job.SourceId && s.Version == job.SourceVersion);
        if (!embeddings.IsConfigured)
        {
            // The provider was turned off since the passages were stored.
            await FinishAsync(db, job, sources, EmbeddingStates.Off, null, cancellationToken);
            return;
        }

        var model = embeddings.Model;
        var chunks = db.Set<KnowledgeChunk>().AsNoTracking().Where(c => c.SourceId == job.SourceId);
        // A resumed fill counts what an earlier attempt stored.
        var done = await chunks.CountAsync(c => c.Embedding != null && c.EmbeddingModel == model, cancellationToken);
        int started;
        using (await writes.EnterAsync(cancellationToken))
        {
            started = await sources.ExecuteUpdateAsync(u => u.SetProperty(s => s.EmbeddingState, EmbeddingStates.Running)
                .SetProperty(s => s.EmbeddingDone, done).SetProperty(s => s.EmbeddingModel, model), cancellationToken);
        }

        if (started == 0)
        {
            // Deleted, or changed since: the newer version's own jobs index and embed it.
            await MarkAsync(db, job, JobStatus.Done, cancellationToken);
            return;
        }

        var settings = options.Value;
        var refresh = TimeSpan.FromSeconds(settings.Embeddings.RefreshSeconds);
        var refreshed = clock.GetUtcNow();
        var after = -1;
        while (true)
        {
            var batch = await chunks.Where(c => c.Ordinal > after && c.Embedding == null).OrderBy(c => c.Ordinal)
                .Select(c => new { c.Id, c.Ordinal, c.Title, c.Text }).Take(settings.Embeddings.FillBatchSize).ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            var vectors = await embeddings.EmbedAsync(batch.Select(c => c.Title + "\n" + c.Text).ToList(), cancellationToken);
            if (!await StoreAsync(db, job, sources, batch.Select(c => c.Id).ToList(), vectors, model, cancellationToken))
            {
                // Superseded (a newer version, a deletion) or taken over by another worker after our lease ran out.
                logger.LogInformation("Stopped filling in the vectors of source {SourceId} version {Version}: superseded", job.SourceId, job.SourceVersion);
                await changes.ChangedAsync(job.TenantId, CancellationToken.None);
                return;
            }

            after = batch[^1].Ordinal;
            if (clock.GetUtcNow() - refreshed >= refresh)
            {
                refreshed = clock.GetUtcNow();
                await changes.ChangedAsync(job.TenantId, CancellationToken.None);
            }

            if (await YieldAsync(db, job, cancellationToken))
            {
                await changes.ChangedAsync(job.TenantId, CancellationToken.None);
                return;
            }
        }

        await FinishAsync(db, job, sources, EmbeddingStates.Ready, model, cancellationToken);
        logger.LogInformation("Filled in the vectors of knowledge source {SourceId}", job.SourceId);
    }

    /// <summary>
    /// One batch's vectors in one transaction, only while the source is still at the job's version and the job still
    /// this worker's (false otherwise, nothing written). The guard is an UPDATE of the source row (its progress), which
    /// on PostgreSQL holds the row until commit, so a concurrent change of version waits for the batch or wins before it.
    /// </summary>
    private async Task<bool> StoreAsync(ParleyDb db, KnowledgeJob job, IQueryable<KnowledgeSource> sources, List<Guid> ids, List<float[]> vectors, string model,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var leaseUntil = now.AddSeconds(options.Value.LeaseSeconds);
        int current;
        using (await writes.EnterAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            current = await sources.ExecuteUpdateAsync(u => u.SetProperty(s => s.EmbeddingDone, s => s.EmbeddingDone + ids.Count), cancellationToken);
            // Progress renews the lease and clears an unfinished attempt's mark: a fill that moves is not poison.
            var mine = current == 1 && await db.Set<KnowledgeJob>()
                .Where(j => j.Id == job.Id && j.Attempts == job.Attempts && j.Status == JobStatus.Leased)
                .ExecuteUpdateAsync(u => u.SetProperty(j => j.LeaseUntil, leaseUntil).SetProperty(j => j.UpdatedAt, now).SetProperty(j => j.Error, (string?)null), cancellationToken) == 1;
            if (mine)
            {
                for (var i = 0; i < ids.Count; i++)
                {
                    var id = ids[i];
                    var bytes = EmbeddingClient.ToBytes(vectors[i]);
                    await db.Set<KnowledgeChunk>().Where(c => c.Id == id && c.SourceId == job.SourceId)
                        .ExecuteUpdateAsync(u => u.SetProperty(c => c.Embedding, bytes).SetProperty(c => c.EmbeddingModel, model), cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                return true;
            }

            await transaction.RollbackAsync(cancellationToken);
        }

        if (current == 0)
        {
            // Superseded: nothing more to do for this version. (Taken over: the other worker finishes the job.)
            await MarkAsync(db, job, JobStatus.Done, cancellationToken);
        }

        return false;
    }

    /// <summary>
    /// Steps aside for sources waiting to be indexed: the fill of a large source takes minutes of encoder time, and a
    /// new upload should become searchable first. The job is queued again behind them, this claim not counted as an attempt.
    /// </summary>
    private async Task<bool> YieldAsync(ParleyDb db, KnowledgeJob job, CancellationToken cancellationToken)
    {
        var jobs = db.Set<KnowledgeJob>();
        if (!await jobs.AnyAsync(j => j.Kind == JobKinds.Index && j.Status == JobStatus.Queued, cancellationToken))
        {
            return false;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        using (await writes.EnterAsync(cancellationToken))
        {
            return await jobs.Where(j => j.Id == job.Id && j.Attempts == job.Attempts && j.Status == JobStatus.Leased)
                .ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, JobStatus.Queued).SetProperty(j => j.LeaseUntil, (DateTime?)null)
                    .SetProperty(j => j.Attempts, j => j.Attempts - 1).SetProperty(j => j.CreatedAt, now).SetProperty(j => j.UpdatedAt, now), cancellationToken) == 1;
        }
    }

    private async Task FinishAsync(ParleyDb db, KnowledgeJob job, IQueryable<KnowledgeSource> sources, string state, string? model, CancellationToken cancellationToken)
    {
        using (await writes.EnterAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // An earlier attempt's reason goes once every passage has its vector.
            await sources.ExecuteUpdateAsync(u =>
            {
                u.SetProperty(s => s.EmbeddingState, state).SetProperty(s => s.EmbeddingModel, model).SetProperty(s => s.Error, (string?)null);
                if (state == EmbeddingStates.Ready)
                {
                    u.SetProperty(s => s.EmbeddingDone, s => s.ChunkCount);
                }
            }, cancellationToken);
            await db.Set<KnowledgeJob>().Where(j => j.Id == job.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, JobStatus.Done).SetProperty(j => j.LeaseUntil, (DateTime?)null)
                    .SetProperty(j => j.Error, (string?)null).SetProperty(j => j.UpdatedAt, clock.GetUtcNow().UtcDateTime), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await changes.ChangedAsync(job.TenantId, CancellationToken.None);
    }

    /// <summary>The provider failed: the source stays ready for keywords with the reason; the fill is retried within the attempt limit.</summary>
    private async Task FailAsync(KnowledgeJob job, bool retry, string error, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.TenantScope = new FixedTenantScope(job.TenantId);
        logger.LogWarning("Filling in the vectors of source {SourceId} failed (attempt {Attempt}, retry {Retry}): {Error}", job.SourceId, job.Attempts, retry, error);
        using (await writes.EnterAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Set<KnowledgeSource>().Where(s => s.Id == job.SourceId && s.Version == job.SourceVersion)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.EmbeddingState, retry ? EmbeddingStates.Pending : EmbeddingStates.Failed).SetProperty(s => s.Error, error), cancellationToken);
            await db.Set<KnowledgeJob>().Where(j => j.Id == job.Id && j.Attempts == job.Attempts)
                .ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, retry ? JobStatus.Queued : JobStatus.Failed).SetProperty(j => j.LeaseUntil, (DateTime?)null)
                    .SetProperty(j => j.Error, error).SetProperty(j => j.UpdatedAt, clock.GetUtcNow().UtcDateTime), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        // Vectors stored before the failure are searchable.
        await changes.ChangedAsync(job.TenantId, CancellationToken.None);
    }

    private async Task MarkAsync(ParleyDb db, KnowledgeJob job, string status, CancellationToken cancellationToken)
    {
        using (await writes.EnterAsync(cancellationToken))
        {
            await db.Set<KnowledgeJob>().Where(j => j.Id == job.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, status).SetProperty(j => j.LeaseUntil, (DateTime?)null)
                    .SetProperty(j => j.UpdatedAt, clock.GetUtcNow().UtcDateTime), cancellationToken);
        }
    }
}
