using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Operations;

/// <summary>Parley with access logs at Information and every log entry kept in memory.</summary>
public sealed class LogCapturingApp : ParleyApp
{
    public const string AccessLogCategory = "Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware";

    public CapturedLogs Logs { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new($"Logging:LogLevel:{AccessLogCategory}", "Information")];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }
}

public sealed record CapturedLog(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, string?> State);

public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value?.ToString())
                : [];
            owner._entries.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception), values));
        }
    }
}

public sealed class LoggingTests(LogCapturingApp app) : IClassFixture<LogCapturingApp>
{
    /// <summary>
    /// One access log entry per request: method, path (never the query string, which may carry a
    /// token), status, duration, request id, and the caller's user and tenant when signed in.
    /// </summary>
    [Fact]
    public async Task Each_request_writes_one_access_log_entry_without_its_query_string()
    {
        var response = await app.Admin.Client.GetAsync("/api/v1/auth/me?token=query-secret-4711");
        await Json.ReadAsync(response, 200);
        var requestId = response.Headers.GetValues("X-Request-ID").Single();

        // The entry is written once the response has gone, so it may trail the client a little.
        List<CapturedLog> entries = [];
        for (var i = 0; i < 200 && entries.Count == 0; i++)
        {
            entries = [.. app.Logs.Entries.Where(e => e.Category == LogCapturingApp.AccessLogCategory && e.State.GetValueOrDefault("RequestId") == requestId)];
            if (entries.Count == 0)
            {
                await Task.Delay(50);
            }
        }

        var entry = Assert.Single(entries);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Equal("GET", entry.State["Method"]);
        Assert.Equal("/api/v1/auth/me", entry.State["Path"]);
        Assert.Equal("200", entry.State["StatusCode"]);
        Assert.True(double.Parse(entry.State["Duration"]!, System.Globalization.CultureInfo.InvariantCulture) >= 0, entry.Message);
        Assert.Equal(app.Admin.Id.ToString(), entry.State["UserId"]);
        Assert.Equal(app.Admin.TenantId.ToString(), entry.State["TenantId"]);
        Assert.DoesNotContain("query-secret-4711", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(entry.State.Values, v => v?.Contains("query-secret-4711", StringComparison.Ordinal) == true);
    }

    /// <summary>The JSON console formatter the server is configured with stamps each entry with a UTC time.</summary>
    [Fact]
    public void Json_console_logs_carry_a_utc_timestamp()
    {
        var formatter = app.Services.GetServices<ConsoleFormatter>().Single(f => f.Name == ConsoleFormatterNames.Json);
        var output = new StringWriter();
        var entry = new LogEntry<string>(LogLevel.Information, "Parley.Test", new EventId(1), "hello", null, (s, _) => s);

        formatter.Write(in entry, new LoggerExternalScopeProvider(), output);

        using var json = JsonDocument.Parse(output.ToString());
        var timestamp = json.RootElement.GetProperty("Timestamp").GetString()!;
        Assert.EndsWith("Z", timestamp, StringComparison.Ordinal);
        Assert.True(Math.Abs((DateTimeOffset.UtcNow - DateTimeOffset.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture)).TotalHours) < 1, timestamp);
    }
}
