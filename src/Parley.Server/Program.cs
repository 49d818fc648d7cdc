using Microsoft.Extensions.Options;
using Parley.Server.ApiKeys;
using Parley.Server.Auth;
using Parley.Server.Conversations;
using Parley.Server.Infrastructure.Events;
using Parley.Server.Infrastructure.Http;
using Parley.Server.Infrastructure.Outbound;
using Parley.Server.Infrastructure.RateLimiting;
using Parley.Server.Infrastructure.Redis;
using Parley.Server.Infrastructure.Secrets;
using Parley.Server.Knowledge;
using Parley.Server.Operations;
using Parley.Server.Realtime;
using Parley.Server.Storage;
using Parley.Server.Tenants;
using Parley.Server.Users;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
{
    builder.WebHost.UseUrls("http://localhost:8000");
}

builder.AddParleyHttp()
    .AddParleyStorage()
    .AddParleyRedis()
    .AddParleyOutbound()
    .AddParleySecrets()
    .AddParleyEvents()
    .AddParleyRateLimiting()
    .AddParleyAuth()
    .AddParleyConversations()
    .AddParleyKnowledge()
    .AddParleyRealtime()
    .AddParleyOperations();

// Until the lead wires the eval dispatcher: `-- eval-retrieval --data <path>` runs the retrieval evaluation.
if (args.Length >= 1 && args[0] == "eval-retrieval")
{
    var data = args.SkipWhile(a => a != "--data").Skip(1).FirstOrDefault() ?? Path.Combine("..", "shared", "data");
    await Parley.Server.Knowledge.Evaluation.RetrievalEvaluation.RunAsync(data, Console.Out, CancellationToken.None);
    return;
}

if (args.Length >= 1 && args[0] == "bench-knowledge")
{
    int Arg(string name, int fallback) => int.TryParse(args.SkipWhile(a => a != name).Skip(1).FirstOrDefault(), out var v) ? v : fallback;
    await Parley.Server.Knowledge.Evaluation.KnowledgeBenchmark.RunAsync(Arg("--chunks", 100_000), Arg("--queries", 1_000), Console.Out, CancellationToken.None);
    return;
}

var app = builder.Build();

if (args.Contains("migrate"))
{
    var version = await app.Services.MigrateParleyDatabaseAsync();
    Console.WriteLine($"Parley database schema is at version {version}.");
    return;
}

if (app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStart)
{
    await app.Services.MigrateParleyDatabaseAsync();
}

app.UseParleyHttp();
app.UseParleyRealtime();
app.UseParleyDocs();
app.UseAuthentication();
app.UseMiddleware<RateLimitMiddleware>();
app.UseAuthorization();

app.MapOperations();
app.MapRealtime();
app.MapParleyApi(api =>
{
    api.MapHealth();
    api.MapAuth();
    api.MapUsers();
    api.MapTenants();
    api.MapApiKeys();
    api.MapChat();
    api.MapConversations();
    api.MapSessions();
    api.MapMessages();
    api.MapStreaming();
    api.MapKnowledge();
});

await app.RunAsync();

public partial class Program;
