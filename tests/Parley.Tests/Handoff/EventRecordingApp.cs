using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Infrastructure.Events;
using Parley.Server.Storage;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Handoff;

/// <summary>Parley on SQLite with a sink that keeps every domain event raised (as the webhook outbox would see it).</summary>
public sealed class EventRecordingApp : ParleyApp
{
    public RecordingSink Events { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IDomainEventSink>(Events));
    }
}

public sealed class RecordingSink : IDomainEventSink
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public ConcurrentQueue<(Guid TenantId, string Type, JsonElement Data)> Raised { get; } = new();

    public ValueTask AddAsync(ParleyDb db, DomainEvent domainEvent, CancellationToken cancellationToken)
    {
        Raised.Enqueue((domainEvent.TenantId, domainEvent.Type, JsonSerializer.SerializeToElement(domainEvent.Data, Json)));
        return ValueTask.CompletedTask;
    }

    public List<JsonElement> Of(string type, Func<JsonElement, bool> where)
        => Raised.Where(e => e.Type == type && where(e.Data)).Select(e => e.Data).ToList();
}
