using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Outbound;
using Parley.Server.Infrastructure.Pagination;
using Parley.Server.Storage;

namespace Parley.Server.Knowledge;

/// <summary>
/// The HeliosCS document's <c>/knowledge/*</c>: sources (agents and admins write the tenant's knowledge base,
/// every user of the tenant reads it) and search. A user's uploaded files are theirs: listed, read,
/// changed and searched by them and by agents and admins only. Writes answer 202 with a status URL;
/// the worker indexes in the background.
/// </summary>
public static class KnowledgeApi
{
    /// <summary>JSON bodies may carry whole documents: more than the default 1 MB body limit.</summary>
    public const long MaxJsonBodyBytes = 20L * 1024 * 1024;

    private static readonly ListSpec<KnowledgeSource> ListSpec = new ListSpec<KnowledgeSource>(s => s.Id)
        .SortBy("created_at", s => s.CreatedAt, isDefault: true, defaultDescending: true)
        .SortBy("updated_at", s => s.UpdatedAt)
        .SortBy("name", s => s.Name)
        .FilterBy("type", v => SourceTypes.All.Contains(v) ? s => s.Type == v : null)
        .FilterBy("status", v => v is SourceStatus.Queued or SourceStatus.Processing or SourceStatus.Ready or SourceStatus.Failed ? s => s.Status == v : null)
        .FilterBy("category", v => s => s.Category == v)
        .SearchBy(term => s => s.Name.ToLower().Contains(term.ToLower()));

    public static RouteGroupBuilder MapKnowledge(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/knowledge").WithTags("Knowledge");
        group.MapGet("/sources", ListAsync);
        group.MapPost("/sources", CreateAsync).RequireAuthorization(AuthSetup.Policies.Agent).WithMetadata(new RequestSizeLimitAttribute(MaxJsonBodyBytes));
        group.MapGet("/sources/{id:guid}", GetAsync);
        group.MapGet("/sources/{id:guid}/status", StatusAsync);
        group.MapPut("/sources/{id:guid}", UpdateAsync).WithMetadata(new RequestSizeLimitAttribute(MaxJsonBodyBytes));
        group.MapPatch("/sources/{id:guid}", UpdateAsync).WithMetadata(new RequestSizeLimitAttribute(MaxJsonBodyBytes));
        group.MapDelete("/sources/{id:guid}", DeleteAsync);
        group.MapGet("/search", SearchAsync);
        api.MapFiles();
        return group;
    }

    private static Task<Results<PagedResult<SourceResponse>, ErrorResult>> ListAsync(ParleyDb db, CurrentUser me, PageQuery query, CancellationToken cancellationToken)
        => ListSpec.ToPageAsync(Visible(db, me).AsNoTracking(), query, s => SourceResponse.From(s, withContent: false), cancellationToken);

    private static async Task<Results<Ok<SourceResponse>, ErrorResult>> GetAsync(Guid id, ParleyDb db, CurrentUser me, CancellationToken cancellationToken)
        => await Visible(db, me).AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken) is { } source
            ? TypedResults.Ok(SourceResponse.From(source))
            : ErrorResult.NotFound("Knowledge source");

    private static async Task<Results<Ok<SourceStatusResponse>, ErrorResult>> StatusAsync(Guid id, ParleyDb db, CurrentUser me, CancellationToken cancellationToken)
        => await Visible(db, me).AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken) is { } s
            ? TypedResults.Ok(new SourceStatusResponse(s.Id, s.Status, s.Error, s.ChunkCount, s.Version, s.IndexedAt, s.UpdatedAt, SourceProgress.Of(s), SourceEmbeddings.Of(s)))
            : ErrorResult.NotFound("Knowledge source");

    private static async Task<Results<Accepted<AcceptedSource>, ErrorResult>> CreateAsync(
        SourceRequest request, ParleyDb db, CurrentUser me, KnowledgeWrites writes, CancellationToken cancellationToken)
    {
        if (writes.Check(request) is { } refused)
        {
            return refused;
        }

        var source = new KnowledgeSource { Id = Guid.NewGuid(), TenantId = me.RequiredTenantId, Name = "", Type = "", CreatedBy = me.UserId };
        writes.Apply(source, request);
        db.Set<KnowledgeSource>().Add(source);
        return await writes.QueueAsync(db, source, cancellationToken);
    }

    private static async Task<Results<Accepted<AcceptedSource>, ErrorResult>> UpdateAsync(
        Guid id, SourceUpdateRequest update, ParleyDb db, CurrentUser me, KnowledgeWrites writes, CancellationToken cancellationToken)
    {
        var request = update.ToRequest();
        var source = await Visible(db, me).FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (source is null)
        {
            return ErrorResult.NotFound("Knowledge source");
        }

        if (Refused(source, me) is { } forbidden)
        {
            return forbidden;
        }

        // An update may leave out what it does not change: fill from the stored source, then check.
        var merged = request with
        {
            Name = request.Name ?? source.Name,
            Type = request.Type ?? source.Type,
            Content = request.Content ?? (request.AllPairs is null && request.Url is null ? source.Content : null),
            Url = request.Url ?? source.Url,
        };
        if (merged.EffectiveType == SourceTypes.File && source.Type == SourceTypes.File)
        {
            // An uploaded file's text may be corrected in place; its type stays file.
            merged = merged with { Type = SourceTypes.Document };
        }

        if (merged.Validate().ToList() is { Count: > 0 } errors)
        {
            return ErrorResult.Validation(errors);
        }

        if (writes.Check(merged) is { } refused)
        {
            return refused;
        }

        var type = source.Type;
        writes.Apply(source, merged, request.Metadata is null ? source.Metadata : null);
        if (type == SourceTypes.File)
        {
            source.Type = SourceTypes.File;
        }

        source.Version++;
        return await writes.QueueAsync(db, source, cancellationToken);
    }

    private static async Task<Results<NoContent, ErrorResult>> DeleteAsync(
        Guid id, ParleyDb db, CurrentUser me, KnowledgeWrites writes, CancellationToken cancellationToken)
    {
        var source = await Visible(db, me).FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (source is null)
        {
            return ErrorResult.NotFound("Knowledge source");
        }

        if (Refused(source, me) is { } forbidden)
        {
            return forbidden;
        }

        await writes.DeleteAsync(db, source, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<SearchResponse>, ErrorResult>> SearchAsync(
        HttpContext http, CurrentUser me, IKnowledgeSearch search, CancellationToken cancellationToken)
    {
        var query = http.Request.Query;
        var errors = new List<FieldError>();
        var q = query["q"].ToString();
        if (q.Length == 0)
        {
            q = query["query"].ToString();
        }

        if (string.IsNullOrWhiteSpace(q) || q.Length > 2000)
        {
            errors.Add(new FieldError("q", "Give a search query of 1 to 2000 characters."));
        }

        var limit = 10;
        if (query["limit"].ToString() is { Length: > 0 } rawLimit && (!int.TryParse(rawLimit, NumberStyles.Integer, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 100))
        {
            errors.Add(new FieldError("limit", "Must be a whole number from 1 to 100."));
        }

        var threshold = 0.0;
        if (query["confidence_threshold"].ToString() is { Length: > 0 } rawThreshold
            && (!double.TryParse(rawThreshold, NumberStyles.Float, CultureInfo.InvariantCulture, out threshold) || threshold is < 0 or > 1 || double.IsNaN(threshold)))
        {
            errors.Add(new FieldError("confidence_threshold", "Must be a number from 0 to 1."));
        }

        Guid? sourceId = null;
        if (query["source_id"].ToString() is { Length: > 0 } rawSource)
        {
            if (Guid.TryParse(rawSource, out var parsed))
            {
                sourceId = parsed;
            }
            else
            {
                errors.Add(new FieldError("source_id", "Must be a source id."));
            }
        }

        if (errors.Count > 0)
        {
            return ErrorResult.InvalidQuery(errors);
        }

        // Metadata filters: filter[author]=x or metadata.author=x.
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in query)
        {
            var name = key.StartsWith("filter[", StringComparison.Ordinal) && key.EndsWith(']') ? key[7..^1]
                : key.StartsWith("metadata.", StringComparison.Ordinal) ? key[9..] : null;
            if (name is { Length: > 0 } && name != "category")
            {
                metadata[name] = value.ToString();
            }
        }

        var category = query["category"].ToString() is { Length: > 0 } c ? c : query["filter[category]"].ToString() is { Length: > 0 } fc ? fc : null;
        var passages = await search.SearchAsync(me.RequiredTenantId, new KnowledgeQuery(q, limit)
        {
            Category = category,
            ConfidenceThreshold = threshold,
            Metadata = metadata.Count > 0 ? metadata : null,
            SourceId = sourceId,
            Viewer = me.UserId,
            SeesEveryonesFiles = me.IsAgentOrAdmin,
        }, cancellationToken);
        var hits = passages.Select(p =>
        {
            var cite = CitationView.Of(p);
            return new SearchHit(cite.Id, p.SourceId, p.ChunkId, cite.Source, cite.Title, cite.Url, cite.Excerpt, p.Text, cite.Confidence, p.Score);
        }).ToList();
        return TypedResults.Ok(new SearchResponse(q, hits, hits.Count, limit, category, threshold));
    }

    /// <summary>
    /// The sources the caller may see: all of the tenant's for agents and admins; for a user the shared
    /// knowledge base and their own uploads (another user's file answers 404).
    /// </summary>
    private static IQueryable<KnowledgeSource> Visible(ParleyDb db, CurrentUser me)
        => me.IsAgentOrAdmin ? db.Set<KnowledgeSource>() : db.Set<KnowledgeSource>().Where(s => s.OwnerUserId == null || s.OwnerUserId == me.UserId);

    /// <summary>A user reads the shared knowledge base but changes only their own files.</summary>
    private static ErrorResult? Refused(KnowledgeSource source, CurrentUser me)
        => me.IsAgentOrAdmin || source.OwnerUserId == me.UserId ? null
            : ErrorResult.Forbidden("The tenant's knowledge base is changed by agents and admins.");
}

/// <summary>The write side shared by the JSON and upload endpoints: checks, applies, queues, deletes.</summary>
public sealed class KnowledgeWrites(
    IOptions<KnowledgeOptions> options,
    OutboundGuard guard,
    IngestionSignal signal,
    Infrastructure.Caching.TenantChanges changes,
    WriteGate gate,
    TimeProvider clock)
{
    public ErrorResult? Check(SourceRequest request)
    {
        var settings = options.Value;
        if (request.Content is { } content && content.Length > settings.MaxContentChars)
        {
            return ErrorResult.Status(413, $"content is longer than {settings.MaxContentChars} characters.");
        }

        if (request.EffectiveType == SourceTypes.Url)
        {
            if (!settings.AllowUrlSources)
            {
                return ErrorResult.Validation("url", "URL sources are turned off on this server (Parley:Knowledge:AllowUrlSources).");
            }

            if (guard.CheckUrl(request.Url) is { } reason)
            {
                return ErrorResult.Validation("url", "The URL " + reason + ".");
            }
        }

        return null;
    }

    public void Apply(KnowledgeSource source, SourceRequest request, string? keepMetadata = null)
    {
        var type = request.EffectiveType!;
        source.Name = (request.Name ?? request.Url!).Trim();
        source.Type = type;
        source.Url = type == SourceTypes.Url ? request.Url!.Trim() : request.Url;
        source.Category = request.EffectiveCategory ?? (keepMetadata is not null ? source.Category : null);
        source.Metadata = keepMetadata ?? (request.Metadata is { ValueKind: JsonValueKind.Object } m ? m.GetRawText() : "{}");
        source.Content = type switch
        {
            SourceTypes.Faq => JsonSerializer.Serialize(request.AllPairs ?? Chunker.ParseFaq(request.Content ?? ""), Chunker.FaqJson),
            SourceTypes.Url => "",
            _ => request.Content ?? "",
        };
        source.SizeBytes = System.Text.Encoding.UTF8.GetByteCount(source.Content);
    }

    public async Task<Results<Accepted<AcceptedSource>, ErrorResult>> QueueAsync(ParleyDb db, KnowledgeSource source, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (source.CreatedAt == default)
        {
            source.CreatedAt = now;
        }

        source.UpdatedAt = now;
        source.Status = SourceStatus.Queued;
        source.Error = null;
        source.EmbeddingState = options.Value.Embeddings.IsConfigured ? EmbeddingStates.Pending : EmbeddingStates.Off;
        source.EmbeddingDone = 0;
        var job = Ingestion.Enqueue(db, source, now);
        using (await gate.EnterAsync(cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        signal.Notify();
        await changes.ChangedAsync(source.TenantId, CancellationToken.None);
        var response = SourceResponse.From(source, withContent: false);
        return TypedResults.Accepted(response.StatusUrl, new AcceptedSource(source.Id, job.Id, source.Status, response.StatusUrl, response));
    }

    public async Task DeleteAsync(ParleyDb db, KnowledgeSource source, CancellationToken cancellationToken)
    {
        using (await gate.EnterAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Chunks (and, on SQLite, their FTS rows through the trigger), files and jobs go with it.
            await db.Set<KnowledgeChunk>().Where(c => c.SourceId == source.Id).ExecuteDeleteAsync(cancellationToken);
            await db.Set<KnowledgeFile>().Where(f => f.SourceId == source.Id).ExecuteDeleteAsync(cancellationToken);
            await db.Set<KnowledgeJob>().Where(j => j.SourceId == source.Id).ExecuteDeleteAsync(cancellationToken);
            db.Set<KnowledgeSource>().Remove(source);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await changes.ChangedAsync(source.TenantId, CancellationToken.None);
    }
}
