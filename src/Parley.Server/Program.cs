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
using Parley.Server.Integrations;
using Parley.Server.Operations;
using Parley.Server.Realtime;
using Parley.Server.Storage;
using Parley.Server.Tenants;
using Parley.Server.Tools;
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
    .AddParleyIntegrations()
    .AddParleyTools()
    .AddParleyRealtime()
    .AddParleyOperations();

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
    api.MapIntegrations();
    api.MapTools();
});

await app.RunAsync();

public partial class Program;
