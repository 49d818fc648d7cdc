using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Infrastructure.Events;
using Parley.Server.Knowledge;
using Parley.Server.Storage;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Tasks;

/// <summary>Records every domain event raised, as the notification and webhook sinks would receive it.</summary>
public sealed class RecordingSink : IDomainEventSink
{
    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public ConcurrentQueue<DomainEvent> Events { get; } = new();

    public ValueTask AddAsync(ParleyDb db, DomainEvent domainEvent, CancellationToken cancellationToken)
    {
        Events.Enqueue(domainEvent);
        return ValueTask.CompletedTask;
    }

    public IReadOnlyList<JsonElement> Of(Guid tenantId, string type)
        => Events.Where(e => e.TenantId == tenantId && e.Type == type)
            .Select(e => JsonSerializer.SerializeToElement(e.Data, SnakeCase)).ToList();
}

/// <summary>A knowledge base with three passages about refunds for every tenant; it finds nothing for other topics.</summary>
public sealed class RefundKnowledge : IKnowledgeSearch
{
    public static readonly Guid PolicySource = Guid.NewGuid();
    public static readonly Guid FaqSource = Guid.NewGuid();

    private static readonly Passage[] Passages =
    [
        new(PolicySource, Guid.NewGuid(), "policy.md", "Refund policy", "https://example.com/policy", "Refunds are issued within 14 days of purchase. Opened items are refunded as store credit.", 0.82),
        new(PolicySource, Guid.NewGuid(), "policy.md", "Refund exceptions", null, "Digital goods are not refundable once downloaded.", 0.55),
        new(FaqSource, Guid.NewGuid(), "faq.md", "How long does a refund take?", null, "A refund reaches the card in 5 to 7 business days after approval.", 0.71),
    ];

    public Task<IReadOnlyList<Passage>> SearchAsync(Guid tenantId, string query, int limit, CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<Passage>>(query.Contains("refund", StringComparison.OrdinalIgnoreCase) ? Passages.Take(limit).ToList() : []);
}

/// <summary>Parley with a recording event sink and the refund knowledge base; the queue polls often.</summary>
public abstract class TaskApp : ParleyApp
{
    public RecordingSink Sink => Services.GetRequiredService<RecordingSink>();

    protected virtual IEnumerable<KeyValuePair<string, string?>> Extra() => [];

    protected sealed override IEnumerable<KeyValuePair<string, string?>> Settings()
        => [new("Parley:Tasks:PollMilliseconds", "100"), .. Extra()];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<RecordingSink>();
            services.AddSingleton<IDomainEventSink>(sp => sp.GetRequiredService<RecordingSink>());
            services.AddSingleton<IKnowledgeSearch, RefundKnowledge>();
        });
    }
}

public sealed class TaskSqliteApp : TaskApp;

public sealed class TaskPostgresApp : TaskApp
{
    public string ConnectionString { get; } = PostgresDatabases.Create();

    protected override IEnumerable<KeyValuePair<string, string?>> Extra() => [new("Parley:Database:Postgres", ConnectionString)];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        PostgresDatabases.Drop(ConnectionString);
    }
}

public static class TaskSteps
{
    /// <summary>Waits (up to a minute, polling) until the task reaches a final status; returns its status document.</summary>
    public static async Task<JsonElement> WaitAsync(HttpClient client, string taskId)
    {
        for (var i = 0; i < 600; i++)
        {
            var status = await Json.ReadAsync(await client.GetAsync($"/api/v1/tasks/{taskId}/status"), 200);
            if (status.GetProperty("status").GetString() is "completed" or "failed" or "cancelled")
            {
                return status;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Task {taskId} did not finish within a minute.");
    }

    public static async Task<string> SubmitAsync(HttpClient client, string path, object body)
    {
        var submitted = await Json.ReadAsync(await client.PostAsJsonAsync(path, body), 200);
        Assert.Equal("submitted", submitted.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(submitted.GetProperty("estimated_duration").GetString()));
        var id = submitted.GetProperty("task_id").GetString()!;
        Assert.StartsWith("task_", id, StringComparison.Ordinal);
        return id;
    }

    /// <summary>One chat turn; returns the response.</summary>
    public static async Task<JsonElement> ChatAsync(HttpClient client, string message, Guid? sessionId = null)
        => await Json.ReadAsync(await client.PostAsJsonAsync("/api/v1/chat/message", new { message, session_id = sessionId }), 200);
}
