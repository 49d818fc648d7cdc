using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Knowledge;
using Parley.Server.Storage;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Knowledge;

/// <summary>Parley over an existing data directory, with or without the ingestion worker.</summary>
public sealed class KnowledgeApp(string dataDir, bool worker) : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Parley:DataDir", dataDir),
        new("Parley:Knowledge:RunWorker", worker ? "true" : "false"),
    ];
}

/// <summary>The queue is durable: what a stopped server left queued or leased is finished by the next one.</summary>
public sealed class IngestionResumeTests
{
    [Fact]
    public async Task Jobs_left_queued_or_leased_by_a_stopped_server_complete_after_restart()
    {
        var dataDir = Directory.CreateTempSubdirectory("parley-resume-").FullName;
        string email, password;
        Guid queued, leased;
        await using (var first = new KnowledgeApp(dataDir, worker: false))
        {
            await first.InitializeAsync();
            (email, password) = (first.Admin.Email, first.Admin.Password);
            queued = await CreateAsync(first.Admin, "Opening hours", "The store opens at nine and closes at six.");
            leased = await CreateAsync(first.Admin, "Parking", "Free parking is behind the building.");

            // The second job was claimed by a worker that then died: leased, lease run out.
            await using var db = await first.Services.GetRequiredService<IDbContextFactory<ParleyDb>>().CreateDbContextAsync();
            var claimed = await db.Set<KnowledgeJob>().Where(j => j.SourceId == leased)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Leased).SetProperty(j => j.Attempts, 1)
                    .SetProperty(j => j.LeaseUntil, DateTime.UtcNow.AddMinutes(-1)));
            Assert.Equal(1, claimed);
            var status = await Json.ReadAsync(await first.Admin.Client.GetAsync($"/api/v1/knowledge/sources/{queued}/status"), 200);
            Assert.Equal("queued", status.GetProperty("status").GetString());
        }

        await using var second = new KnowledgeApp(dataDir, worker: true) { RegisterAdminOnStart = false };
        await second.InitializeAsync();
        var admin = await second.LoginAsync(email, password);
        foreach (var id in new[] { queued, leased })
        {
            var accepted = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/knowledge/sources/{id}"), 200);
            var ready = await KnowledgeWait.ReadyAsync(admin, System.Text.Json.JsonDocument.Parse(
                $"{{\"status_url\":\"/api/v1/knowledge/sources/{id}/status\",\"source\":{{\"version\":{accepted.GetProperty("version").GetInt32()}}}}}").RootElement);
            Assert.Equal(1, ready.GetProperty("chunk_count").GetInt32());
        }

        var found = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/knowledge/search?q=parking"), 200);
        Assert.Equal(leased, found.GetProperty("results")[0].GetProperty("source_id").GetGuid());
    }

    private static async Task<Guid> CreateAsync(TestUser admin, string name, string content)
        => (await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources", new { name, type = "document", content }), 202)).GetProperty("id").GetGuid();
}
