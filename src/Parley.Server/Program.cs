using Microsoft.Extensions.Options;
using Parley.Server.Analytics;
using Parley.Server.ApiKeys;
using Parley.Server.Assistants;
using Parley.Server.Auth;
using Parley.Server.Conversations;
using Parley.Server.Desk;
using Parley.Server.Evaluation;
using Parley.Server.Handoff;
using Parley.Server.Infrastructure.Events;
using Parley.Server.Infrastructure.Http;
using Parley.Server.Infrastructure.Outbound;
using Parley.Server.Infrastructure.RateLimiting;
using Parley.Server.Infrastructure.Redis;
using Parley.Server.Infrastructure.Secrets;
using Parley.Server.Integrations;
using Parley.Server.Knowledge;
using Parley.Server.Notifications;
using Parley.Server.Operations;
using Parley.Server.Plans;
using Parley.Server.Realtime;
using Parley.Server.Storage;
using Parley.Server.Tasks;
using Parley.Server.Tasks.Datasets;
using Parley.Server.Tenants;
using Parley.Server.Tickets;
using Parley.Server.Tools;
using Parley.Server.Understanding;
using Parley.Server.Users;
using Parley.Server.WebConsole;
using Parley.Server.Webhooks;
using Parley.Server.Widget;

// `eval <kind> --data <path>` measures the engine on labelled data: no host, no database.
if (args is ["eval", .. var evaluation])
{
    Environment.ExitCode = await EvaluationCommand.RunAsync(evaluation, Console.Out, Console.Error, CancellationToken.None);
    return;
}

// `bench-knowledge --chunks N --queries N` (bench/knowledge.sh): ingestion and search timings on a scratch SQLite.
if (args is ["bench-knowledge", ..])
{
    int Arg(string name, int fallback) => int.TryParse(args.SkipWhile(a => a != name).Skip(1).FirstOrDefault(), out var v) ? v : fallback;
    await Parley.Server.Knowledge.Evaluation.KnowledgeBenchmark.RunAsync(Arg("--chunks", 100_000), Arg("--queries", 1_000), Console.Out, CancellationToken.None);
    return;
}

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
    .AddParleyAssistants()
    .AddParleyTickets()
    .AddParleyHandoff()
    .AddParleyUnderstanding()
    .AddParleyKnowledge()
    .AddParleyIntegrations()
    .AddParleyTools()
    .AddParleyRealtime()
    .AddParleyPlans()
    .AddParleyTasks()
    .AddParleyAnalytics()
    .AddParleyWebhooks()
    .AddParleyNotifications()
    .AddParleyWidget()
    .AddParleyOperations();
builder.AddParleyConsole();

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
    await app.Services.EnsureDefaultWidgetChannelAsync();
}

app.UseParleyWidgetCors();
app.UseParleyHttp();
app.UseParleyRealtime();
app.UseParleyDocs();
app.UseAuthentication();
app.UseParleyVisitorGate();
app.UseMiddleware<RateLimitMiddleware>();
app.UseParleyPlans();
app.UseAuthorization();

app.MapOperations();
app.MapParleyConsole();
app.MapRealtime();
app.MapWidgetAssets();
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
    api.MapAssistants();
    api.MapTickets();
    api.MapHandoff();
    api.MapDesk();
    api.MapPlans();
    api.MapTasks();
    api.MapDatasets();
    api.MapAnalytics();
    api.MapUnderstanding();
    api.MapWebhooks();
    api.MapNotifications();
    api.MapKnowledge();
    api.MapIntegrations();
    api.MapTools();
    api.MapWidgetChannels();
    api.MapWidget();
});

await app.RunAsync();

public partial class Program;
