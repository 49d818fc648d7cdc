using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parley.Tests.Llm;

/// <summary>
/// An OpenAI-compatible chat-completions server on 127.0.0.1 (a free port): real SSE streaming with
/// a usage chunk when <c>stream_options.include_usage</c> asks for one, plain JSON otherwise. Each
/// test scripts a <see cref="FakeScenario"/> and puts its tag in the customer's message, so tests
/// sharing one server neither see nor disturb each other's requests.
/// </summary>
public sealed partial class FakeOpenAiServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, FakeScenario> _scenarios = new(StringComparer.Ordinal);

    private FakeOpenAiServer(WebApplication app) => _app = app;

    /// <summary>Every request received, in arrival order.</summary>
    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>What an untagged request gets.</summary>
    public FakeReply DefaultReply { get; set; } = FakeReply.Stream("Happy to help. ", "What can I do for you?");

    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        var server = new FakeOpenAiServer(app);
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        await app.StartAsync();
        server.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        return server;
    }

    /// <summary>A script: the n-th request of the scenario gets the n-th reply, and the last reply once they run out.</summary>
    public FakeScenario Scenario(params FakeReply[] replies)
    {
        var scenario = new FakeScenario(Guid.NewGuid().ToString("N")[..12], replies);
        _scenarios[scenario.Id] = scenario;
        return scenario;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        var raw = await reader.ReadToEndAsync(http.RequestAborted);
        var request = new FakeRequest(http.Request.Path, http.Request.Headers.Authorization.FirstOrDefault(), http.Request.Headers["api-key"].FirstOrDefault(),
            raw, JsonDocument.Parse(raw).RootElement.Clone());
        Requests.Enqueue(request);
        // The latest customer message decides: earlier turns (with their own tags) come along as history.
        var tag = TagPattern().Match(request.Messages.LastOrDefault(m => m.Role == "user").Content ?? "");
        var scenario = tag.Success && _scenarios.TryGetValue(tag.Groups[1].Value, out var found) ? found : null;
        scenario?.Requests.Enqueue(request);
        var reply = scenario?.Next() ?? DefaultReply;
        var model = request.Body.TryGetProperty("model", out var m) ? m.GetString() : "unknown";

        switch (reply.Kind)
        {
            case FakeReplyKind.Error:
                http.Response.StatusCode = reply.Status;
                if (reply.Location is not null)
                {
                    http.Response.Headers.Location = reply.Location;
                }

                // Real providers echo part of a wrong key; Parley must not pass this text on.
                await http.Response.WriteAsJsonAsync(new { error = new { message = "Incorrect API key provided: sk-te***ey.", type = "invalid_request_error" } }, http.RequestAborted);
                return;
            case FakeReplyKind.StallBeforeResponse:
                await WaitForClientToGiveUpAsync(http);
                return;
        }

        if (reply.Kind == FakeReplyKind.ToolCalls)
        {
            await SendToolCallsAsync(http, request, reply, model);
            return;
        }

        if (!request.Streamed)
        {
            await http.Response.WriteAsJsonAsync(new
            {
                id = "chatcmpl-fake",
                @object = "chat.completion",
                created = 1_700_000_000,
                model,
                choices = new[] { new { index = 0, message = new { role = "assistant", content = string.Concat(reply.Chunks) }, finish_reason = "stop" } },
                usage = Usage(reply),
            }, http.RequestAborted);
            return;
        }

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        await SendAsync(http, Chunk(model, new { role = "assistant", content = "" }, null));
        for (var i = 0; i < reply.Chunks.Length; i++)
        {
            if (i == reply.FailAfterChunks && reply.Kind == FakeReplyKind.StallMidStream)
            {
                await WaitForClientToGiveUpAsync(http);
                return;
            }

            if (i == reply.FailAfterChunks && reply.Kind == FakeReplyKind.DropMidStream)
            {
                // Abort() discards whatever Kestrel has not yet handed to the socket; give the chunks
                // already flushed time to leave, so Parley really has streamed text when the cut comes.
                await Task.Delay(250, http.RequestAborted);
                http.Abort();
                return;
            }

            if (i == reply.FailAfterChunks && reply.Kind == FakeReplyKind.TruncateMidStream)
            {
                return; // a clean end of the HTTP response, without finish_reason or [DONE]
            }

            if (i == reply.FailAfterChunks && reply.Gate is { } gate)
            {
                await gate.Task.WaitAsync(http.RequestAborted);
            }

            await SendAsync(http, Chunk(model, new { content = reply.Chunks[i] }, null));
            request.FirstContentSentAt ??= Stopwatch.GetTimestamp();
        }

        await SendAsync(http, Chunk(model, new { }, "stop"));
        if (reply.Usage && request.Body.TryGetProperty("stream_options", out var so) && so.TryGetProperty("include_usage", out var iu) && iu.GetBoolean())
        {
            await SendAsync(http, new { id = "chatcmpl-fake", @object = "chat.completion.chunk", created = 1_700_000_000, model, choices = Array.Empty<object>(), usage = Usage(reply) });
        }

        await http.Response.WriteAsync("data: [DONE]\n\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }

    /// <summary>
    /// OpenAI's function-calling stream: the first chunk of each call carries its index, id, type and
    /// name with empty arguments; the arguments follow in fragments; finish_reason is "tool_calls".
    /// </summary>
    private static async Task SendToolCallsAsync(HttpContext http, FakeRequest request, FakeReply reply, string? model)
    {
        var calls = reply.Calls!;
        if (!request.Streamed)
        {
            await http.Response.WriteAsJsonAsync(new
            {
                id = "chatcmpl-fake",
                @object = "chat.completion",
                created = 1_700_000_000,
                model,
                choices = new[]
                {
                    new
                    {
                        index = 0,
                        message = new { role = "assistant", content = (string?)null, tool_calls = calls.Select(c => new { id = c.Id, type = "function", function = new { name = c.Name, arguments = c.Arguments } }).ToArray() },
                        finish_reason = "tool_calls",
                    },
                },
                usage = Usage(reply),
            }, http.RequestAborted);
            return;
        }

        http.Response.ContentType = "text/event-stream";
        await SendAsync(http, Chunk(model, new { role = "assistant", content = (string?)null }, null));
        for (var i = 0; i < calls.Length; i++)
        {
            var c = calls[i];
            await SendAsync(http, Chunk(model, new { tool_calls = new[] { new { index = i, id = c.Id, type = "function", function = new { name = c.Name, arguments = "" } } } }, null));
            var half = c.Arguments.Length / 2;
            foreach (var piece in new[] { c.Arguments[..half], c.Arguments[half..] })
            {
                await SendAsync(http, Chunk(model, new { tool_calls = new[] { new { index = i, function = new { arguments = piece } } } }, null));
            }
        }

        await SendAsync(http, Chunk(model, new { }, "tool_calls"));
        if (request.Body.TryGetProperty("stream_options", out var so) && so.TryGetProperty("include_usage", out var iu) && iu.GetBoolean())
        {
            await SendAsync(http, new { id = "chatcmpl-fake", @object = "chat.completion.chunk", created = 1_700_000_000, model, choices = Array.Empty<object>(), usage = Usage(reply) });
        }

        await http.Response.WriteAsync("data: [DONE]\n\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }

    private static object Chunk(string? model, object delta, string? finish)
        => new { id = "chatcmpl-fake", @object = "chat.completion.chunk", created = 1_700_000_000, model, choices = new[] { new { index = 0, delta, finish_reason = finish } } };

    private static object Usage(FakeReply reply)
        => new { prompt_tokens = reply.PromptTokens, completion_tokens = reply.Chunks.Length, total_tokens = reply.PromptTokens + reply.Chunks.Length };

    private static async Task SendAsync(HttpContext http, object data)
    {
        await http.Response.WriteAsync("data: " + JsonSerializer.Serialize(data, Json) + "\n\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }

    /// <summary>Silence until Parley gives up and closes the connection.</summary>
    private static async Task WaitForClientToGiveUpAsync(HttpContext http)
    {
        await http.Response.Body.FlushAsync(http.RequestAborted);
        try
        {
            await Task.Delay(Timeout.Infinite, http.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [GeneratedRegex("scenario-([0-9a-f]{12})")]
    private static partial Regex TagPattern();
}

public enum FakeReplyKind { Stream, Error, StallBeforeResponse, StallMidStream, DropMidStream, TruncateMidStream, ToolCalls }

/// <summary>A function call the fake model asks for; <see cref="Arguments"/> is the JSON text.</summary>
public sealed record FakeToolCall(string Id, string Name, string Arguments);

public sealed record FakeReply(
    FakeReplyKind Kind, string[] Chunks, int Status = 200, int FailAfterChunks = 0, bool Usage = true, int PromptTokens = 120, string? Location = null, TaskCompletionSource? Gate = null,
    FakeToolCall[]? Calls = null)
{
    /// <summary>Asks Parley to call these tools (streamed in OpenAI's tool_calls format).</summary>
    public static FakeReply ToolCalls(params FakeToolCall[] calls) => new(FakeReplyKind.ToolCalls, [], Calls: calls);

    public static FakeReply Stream(params string[] chunks) => new(FakeReplyKind.Stream, chunks);
    /// <summary>Streams <paramref name="before"/> chunks, then waits for <paramref name="gate"/> before the rest.</summary>
    public static FakeReply StreamHeld(int before, TaskCompletionSource gate, params string[] chunks) => new(FakeReplyKind.Stream, chunks, FailAfterChunks: before, Gate: gate);
    public static FakeReply StreamWithoutUsage(params string[] chunks) => new(FakeReplyKind.Stream, chunks, Usage: false);
    public static FakeReply Error(int status) => new(FakeReplyKind.Error, [], status);
    public static FakeReply Redirect(Uri to) => new(FakeReplyKind.Error, [], 307, Location: to.ToString());
    public static FakeReply StallBeforeResponse() => new(FakeReplyKind.StallBeforeResponse, []);
    public static FakeReply StallAfter(int chunks, params string[] text) => new(FakeReplyKind.StallMidStream, text, FailAfterChunks: chunks);
    public static FakeReply DropAfter(int chunks, params string[] text) => new(FakeReplyKind.DropMidStream, text, FailAfterChunks: chunks);
    public static FakeReply TruncateAfter(int chunks, params string[] text) => new(FakeReplyKind.TruncateMidStream, text, FailAfterChunks: chunks);
}

public sealed class FakeScenario(string id, FakeReply[] replies)
{
    private int _next = -1;

    public string Id { get; } = id;

    /// <summary>Put this in the customer's message to route the request to this scenario.</summary>
    public string Tag => $"scenario-{Id}";

    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    public FakeReply Next() => replies[Math.Min(Interlocked.Increment(ref _next), replies.Length - 1)];
}

public sealed record FakeRequest(string Path, string? Authorization, string? ApiKeyHeader, string Raw, JsonElement Body)
{
    public long? FirstContentSentAt { get; set; }

    public bool Streamed => Body.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;

    public List<(string Role, string Content)> Messages => Body.GetProperty("messages").EnumerateArray()
        .Select(m => (m.GetProperty("role").GetString()!, m.TryGetProperty("content", out var c) ? ContentOf(c) : "")).ToList();

    // The SDK sends content as a string or as an array of text parts.
    private static string ContentOf(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString()!,
        JsonValueKind.Array => string.Concat(content.EnumerateArray().Select(p => p.GetProperty("text").GetString())),
        _ => "",
    };
}
