using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Knowledge;
using Parley.Server.Storage;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Knowledge;

/// <summary>
/// A job whose worker died mid-way (the process crashed: its attempt was recorded at claim, never
/// finished, and the lease ran out) is tried once more, then failed: a file that kills the worker
/// must not take the server down again on every restart.
/// </summary>
public abstract class IngestionPoisonTests(ParleyApp app)
{
    [Fact]
    public async Task A_job_whose_attempt_never_finished_is_tried_once_more_then_failed()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var created = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources", new { name = "Hours", type = "document", content = "We open at nine." }), 202);
        var id = created.GetProperty("id").GetGuid();
        var ingestion = app.Services.GetRequiredService<Ingestion>();

        // The first worker claims the job (the attempt is recorded) and dies; the lease runs out.
        var first = await ingestion.ClaimAsync(CancellationToken.None);
        Assert.Equal((id, 1), (first!.SourceId, first.Attempts));
        await ExpireLeaseAsync(id);

        // The one more try: claimed again, and that worker dies too.
        var second = await ingestion.ClaimAsync(CancellationToken.None);
        Assert.Equal((id, 2), (second!.SourceId, second.Attempts));
        await ExpireLeaseAsync(id);

        // No third try: the job is poisoned and the source says why.
        Assert.Null(await ingestion.ClaimAsync(CancellationToken.None));
        var source = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/knowledge/sources/{id}"), 200);
        Assert.Equal("failed", source.GetProperty("status").GetString());
        Assert.Contains("did not finish", source.GetProperty("error").GetString());
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ParleyDb>>().CreateDbContextAsync();
        Assert.Equal(JobStatus.Failed, (await db.Set<KnowledgeJob>().SingleAsync(j => j.SourceId == id)).Status);
    }

    [Fact]
    public async Task A_fill_of_vectors_whose_attempts_die_without_progress_is_given_up_and_the_source_stays_searchable_by_keywords()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var created = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources", new { name = "Hours", type = "document", content = "We open at nine." }), 202);
        var id = created.GetProperty("id").GetGuid();
        var ingestion = app.Services.GetRequiredService<Ingestion>();
        var index = await ingestion.ClaimAsync(CancellationToken.None);
        Assert.Equal(JobKinds.Index, index!.Kind);
        await ingestion.ProcessAsync(index, CancellationToken.None);

        // The fill (built-in encoder) is claimed twice by workers that die before their first batch.
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var fill = await ingestion.ClaimAsync(CancellationToken.None);
            Assert.Equal((id, JobKinds.Embed, attempt), (fill!.SourceId, fill.Kind, fill.Attempts));
            await ExpireLeaseAsync(id);
        }

        Assert.Null(await ingestion.ClaimAsync(CancellationToken.None));
        var source = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/knowledge/sources/{id}"), 200);
        Assert.Equal("ready", source.GetProperty("status").GetString());
        Assert.Equal("failed", source.GetProperty("embeddings").GetProperty("state").GetString());
        Assert.StartsWith("Embeddings unavailable, indexed for keyword search only: ", source.GetProperty("error").GetString(), StringComparison.Ordinal);
        var hits = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/knowledge/search?q=nine"), 200);
        Assert.Equal(id, hits.GetProperty("results")[0].GetProperty("source_id").GetGuid());
    }

    private async Task ExpireLeaseAsync(Guid sourceId)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ParleyDb>>().CreateDbContextAsync();
        var expired = await db.Set<KnowledgeJob>().Where(j => j.SourceId == sourceId && j.Status == JobStatus.Leased)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseUntil, DateTime.UtcNow.AddMinutes(-1)));
        Assert.Equal(1, expired);
    }
}

/// <summary>Parley without the ingestion worker: the test plays the worker that dies.</summary>
public sealed class SqliteNoWorkerApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Parley:Knowledge:RunWorker", "false")];
}

public sealed class PostgresNoWorkerApp : ParleyApp
{
    private readonly string _connectionString = PostgresDatabases.Create();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("Parley:Database:Postgres", _connectionString), new("Parley:Knowledge:RunWorker", "false")];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        PostgresDatabases.Drop(_connectionString);
    }
}

public sealed class SqliteIngestionPoisonTests(SqliteNoWorkerApp app) : IngestionPoisonTests(app), IClassFixture<SqliteNoWorkerApp>;

public sealed class PostgresIngestionPoisonTests(PostgresNoWorkerApp app) : IngestionPoisonTests(app), IClassFixture<PostgresNoWorkerApp>;
