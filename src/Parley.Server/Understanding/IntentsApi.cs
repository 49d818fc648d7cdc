using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Engine.Intents;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Pagination;
using Parley.Server.Storage;

namespace Parley.Server.Understanding;

/// <summary>
/// <c>/intents</c>: the tenant's intents (Parley's defaults, overridden or disabled, plus its own) with
/// example utterances, and the model trained from them. Admins write and train; agents read and classify.
/// <c>{key}</c> is an intent's id or its name (a default's name works before it is overridden).
/// </summary>
public static class IntentsApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static RouteGroupBuilder MapIntents(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/intents").WithTags("Understanding").RequireAuthorization(AuthSetup.Policies.Agent);
        group.MapGet("", ListAsync);
        group.MapPost("", CreateAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapPost("/train", TrainAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapGet("/model", ModelAsync);
        group.MapDelete("/model", ResetModelAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapPost("/classify", ClassifyAsync);
        group.MapGet("/{key}", GetAsync);
        group.MapPut("/{key}", UpdateAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapDelete("/{key}", DeleteAsync).RequireAuthorization(AuthSetup.Policies.Admin);
        return group;
    }

    /// <summary>Defaults first (in name order), then the tenant's own; <c>filter[source]</c> and <c>search</c> narrow it.</summary>
    private static async Task<Results<PagedResult<IntentView>, ErrorResult>> ListAsync(ParleyDb db, PageQuery query, CancellationToken cancellationToken)
    {
        if (query.Errors.Count > 0)
        {
            return ErrorResult.InvalidQuery(query.Errors);
        }

        IEnumerable<IntentView> views = IntentCatalog.Effective(await db.Set<TenantIntent>().AsNoTracking().ToListAsync(cancellationToken));
        if (query.Filters.TryGetValue("source", out var source))
        {
            views = views.Where(v => v.Source == source);
        }

        if (query.Search is { Length: > 0 } term)
        {
            views = views.Where(v => v.Name.Contains(term, StringComparison.OrdinalIgnoreCase));
        }

        return new PagedResult<IntentView>(PageOf<IntentView>.Slice(views.ToList(), query));
    }

    private static async Task<Results<Ok<IntentView>, ErrorResult>> GetAsync(string key, ParleyDb db, CancellationToken cancellationToken)
    {
        var own = await FindAsync(db.Set<TenantIntent>().AsNoTracking(), key, cancellationToken);
        return own is not null ? TypedResults.Ok(IntentView.From(own))
            : IntentCatalog.IsDefault(key) ? TypedResults.Ok(IntentView.Default(key))
            : ErrorResult.NotFound("Intent");
    }

    private static async Task<Results<Created<IntentView>, ErrorResult>> CreateAsync(
        IntentRequest request, ParleyDb db, CurrentUser me, IOptions<UnderstandingOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (request.Check(options.Value, isNew: true, isDefault: request.Name is { } n && IntentCatalog.IsDefault(n)) is { Count: > 0 } errors)
        {
            return ErrorResult.Validation(errors);
        }

        var intents = db.Set<TenantIntent>();
        if (await intents.AnyAsync(i => i.Name == request.Name, cancellationToken))
        {
            return ErrorResult.Conflict($"An intent named '{request.Name}' exists; change it with PUT.");
        }

        if (await intents.CountAsync(cancellationToken) >= options.Value.MaxIntents)
        {
            return ErrorResult.Validation("name", $"A tenant has at most {options.Value.MaxIntents} intents.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var intent = new TenantIntent { Id = Guid.CreateVersion7(), TenantId = me.RequiredTenantId, Name = request.Name!, CreatedAt = now };
        Apply(intent, request, now);
        intents.Add(intent);
        if (await UnderstandingStore.SaveAsync(db, $"An intent named '{request.Name}' exists; change it with PUT.", cancellationToken) is { } conflict)
        {
            return conflict;
        }

        return TypedResults.Created($"/api/v1/intents/{intent.Id}", IntentView.From(intent));
    }

    /// <summary>Changes an intent; for an untouched default this creates the tenant's override of it.</summary>
    private static async Task<Results<Ok<IntentView>, ErrorResult>> UpdateAsync(
        string key, IntentRequest request, ParleyDb db, CurrentUser me, IOptions<UnderstandingOptions> options, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var intent = await FindAsync(db.Set<TenantIntent>(), key, cancellationToken);
        if (intent is null && !IntentCatalog.IsDefault(key))
        {
            return ErrorResult.NotFound("Intent");
        }

        var name = intent?.Name ?? key;
        if (request.Check(options.Value, isNew: false, isDefault: IntentCatalog.IsDefault(name)) is { Count: > 0 } errors)
        {
            return ErrorResult.Validation(errors);
        }

        if (request.Name is not null && request.Name != name)
        {
            return ErrorResult.Validation("name", "An intent cannot be renamed; create a new one and delete this one.");
        }

        if (intent is null)
        {
            intent = new TenantIntent { Id = Guid.CreateVersion7(), TenantId = me.RequiredTenantId, Name = name, CreatedAt = now };
            db.Add(intent);
        }

        Apply(intent, request, now);
        if (await UnderstandingStore.SaveAsync(db, "The intent changed concurrently; try again.", cancellationToken) is { } conflict)
        {
            return conflict;
        }

        return TypedResults.Ok(IntentView.From(intent));
    }

    /// <summary>Deletes the tenant's intent; deleting an override brings the default back as shipped.</summary>
    private static async Task<Results<NoContent, ErrorResult>> DeleteAsync(string key, ParleyDb db, CancellationToken cancellationToken)
    {
        if (await FindAsync(db.Set<TenantIntent>(), key, cancellationToken) is not { } intent)
        {
            return IntentCatalog.IsDefault(key)
                ? ErrorResult.Conflict("A default intent cannot be deleted; disable it with PUT {\"enabled\": false}.")
                : ErrorResult.NotFound("Intent");
        }

        db.Remove(intent);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<TrainingStats>, ErrorResult>> TrainAsync(
        ParleyDb db, CurrentUser me, IntentTraining training, TenantUnderstanding understanding, IOptions<UnderstandingOptions> options,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var intents = await db.Set<TenantIntent>().AsNoTracking().ToListAsync(cancellationToken);
        var examples = IntentCatalog.TrainingExamples(intents);
        var inScope = examples.Select(e => e.Intent).Where(i => i != IntentModel.OutOfScopeIntent).Distinct().Count();
        if (inScope < 2)
        {
            return ErrorResult.Validation("intents", "Training needs at least two enabled intents with examples.");
        }

        if (examples.Count > options.Value.MaxTrainingExamples)
        {
            return ErrorResult.Validation("intents", $"At most {options.Value.MaxTrainingExamples} examples in all; the tenant's intents have {examples.Count}.");
        }

        var state = await UnderstandingStore.TouchAsync(db, me.RequiredTenantId, clock.GetUtcNow().UtcDateTime, cancellationToken);
        var (_, bytes, stats) = await training.TrainAsync(intents, state.ModelVersion + 1, clock.GetUtcNow().UtcDateTime, cancellationToken);
        state.IntentModel = bytes;
        state.ModelVersion = stats.ModelVersion;
        state.ModelStats = JsonSerializer.Serialize(stats, Json);
        state.TrainedAt = stats.TrainedAt;
        // Training is done: store the model even if the caller has gone away.
        if (await UnderstandingStore.SaveAsync(db, "The model changed concurrently; train again.", CancellationToken.None) is { } conflict)
        {
            return conflict;
        }

        understanding.Invalidate(me.RequiredTenantId);
        return TypedResults.Ok(stats);
    }

    private static async Task<Ok<ModelStatusView>> ModelAsync(ParleyDb db, CancellationToken cancellationToken)
    {
        var state = await db.Set<TenantUnderstandingState>().AsNoTracking()
            .Select(s => new { s.ModelVersion, s.ModelStats, s.TrainedAt, Trained = s.IntentModel != null }).FirstOrDefaultAsync(cancellationToken);
        return TypedResults.Ok(state is { Trained: true }
            ? new ModelStatusView("trained", "tenant", state.ModelVersion, state.TrainedAt, state.ModelStats is null ? null : JsonSerializer.Deserialize<TrainingStats>(state.ModelStats, Json))
            : new ModelStatusView("default", "default", 0, null, null));
    }

    /// <summary>Drops the tenant's trained model: its messages are read with Parley's default model again.</summary>
    private static async Task<Results<NoContent, ErrorResult>> ResetModelAsync(
        ParleyDb db, CurrentUser me, TenantUnderstanding understanding, TimeProvider clock, CancellationToken cancellationToken)
    {
        var state = await UnderstandingStore.TouchAsync(db, me.RequiredTenantId, clock.GetUtcNow().UtcDateTime, cancellationToken);
        state.IntentModel = null;
        state.ModelStats = null;
        state.TrainedAt = null;
        state.ModelVersion = 0;
        if (await UnderstandingStore.SaveAsync(db, "The model changed concurrently; try again.", cancellationToken) is { } conflict)
        {
            return conflict;
        }

        understanding.Invalidate(me.RequiredTenantId);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<ClassifyView>, ErrorResult>> ClassifyAsync(
        ClassifyRequest request, CurrentUser me, TenantUnderstanding understanding, MessageAnalyzer analyzer, CancellationToken cancellationToken)
    {
        if (request.Input is not { } text || string.IsNullOrWhiteSpace(text) || text.Length > 8_000)
        {
            return ErrorResult.Validation("text", "Required, at most 8000 characters.");
        }

        var profile = await understanding.ForTenantAsync(me.RequiredTenantId, cancellationToken);
        var (redacted, _) = analyzer.Redact(text, profile);
        var result = analyzer.Understand(redacted, profile);
        return TypedResults.Ok(new ClassifyView(result.Intent, Math.Round(result.Confidence, 4), result.Intent == IntentModel.OutOfScopeIntent,
            result.Ranking.Take(5).Select(r => new IntentScore(r.Intent, Math.Round(r.Score, 4))).ToList(),
            profile.Intents is null ? "default" : "tenant", profile.ModelVersion));
    }

    private static void Apply(TenantIntent intent, IntentRequest request, DateTime now)
    {
        intent.Description = request.Description ?? intent.Description;
        if (request.Examples is not null)
        {
            intent.Examples = request.ExamplesJson();
        }

        intent.Enabled = request.Enabled ?? intent.Enabled;
        intent.ReplaceDefaultExamples = request.ReplaceDefaultExamples ?? intent.ReplaceDefaultExamples;
        intent.UpdatedAt = now;
    }

    private static Task<TenantIntent?> FindAsync(IQueryable<TenantIntent> intents, string key, CancellationToken cancellationToken)
        => Guid.TryParse(key, out var id)
            ? intents.FirstOrDefaultAsync(i => i.Id == id, cancellationToken)
            : intents.FirstOrDefaultAsync(i => i.Name == key, cancellationToken);
}
