using Parley.Server.Storage;
using Parley.Server.Tenants;

namespace Parley.Server.Knowledge.Evaluation;

/// <summary>
/// The knowledge services over a throwaway SQLite database in <c>dataDir</c>, without HTTP or the
/// background worker: evaluations and benchmarks drive ingestion themselves. Data goes to the
/// platform tenant.
/// </summary>
public static class EvaluationHost
{
    public static async Task<WebApplication> StartAsync(string dataDir, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["Parley:DataDir"] = dataDir;
        builder.Configuration["Parley:Database:Postgres"] = "";
        builder.Logging.ClearProviders();
        builder.AddParleyStorage();
        builder.Services.AddScoped<ITenantScope>(_ => new FixedTenantScope(Tenant.PlatformId));
        // One process, no other instance to tell about changes.
        builder.Services.AddSingleton<Infrastructure.Caching.ITenantChangeRelay, Infrastructure.Caching.NoOtherInstances>();
        builder.Services.AddSingleton<Infrastructure.Caching.TenantChanges>();
        builder.Services.AddParleyKnowledgeCore();
        var app = builder.Build();
        await app.Services.MigrateParleyDatabaseAsync(ct);
        return app;
    }

    /// <summary>Runs every queued ingestion job to completion in this process.</summary>
    public static async Task DrainAsync(IServiceProvider services, CancellationToken ct)
    {
        var ingestion = services.GetRequiredService<Ingestion>();
        while (await ingestion.ClaimAsync(ct) is { } job)
        {
            await ingestion.ProcessAsync(job, ct);
        }
    }
}
