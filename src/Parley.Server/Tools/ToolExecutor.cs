using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Parley.Server.ConversationModel;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Events;
using Parley.Server.Infrastructure.Outbound;
using Parley.Server.Storage;
using Parley.Server.Understanding;

namespace Parley.Server.Tools;

/// <summary>How a call went: not found, refused by the schema, or run (successfully or not).</summary>
public sealed record ToolRun(RegisteredTool? Tool, IReadOnlyList<FieldError> Invalid, ToolResult? Result, ToolCall? Call)
{
    public bool NotFound => Tool is null;
}

/// <summary>
/// Runs one tool call: arguments checked against the tool's schema first, a time limit, then the
/// call logged (arguments PII-redacted, summary, duration, success) into the caller's unit of work
/// and, inside a conversation, a <c>tool_result</c> event to everyone watching it.
/// </summary>
public sealed class ToolExecutor(
    ToolRegistry registry, ParleyDb db, MessageAnalyzer analyzer, ILiveSignals live, IOptions<ToolOptions> options, TimeProvider clock, ILogger<ToolExecutor> logger)
{
    public const string ResultEvent = "tool_result";

    /// <param name="logRefusals">Log calls refused by the schema too (a model's mistake is worth seeing; an API caller gets a 422 and nothing is written).</param>
    public async Task<ToolRun> ExecuteAsync(
        ToolContext context, string toolId, JsonObject arguments, string source, Conversation? conversation, bool logRefusals, CancellationToken cancellationToken)
    {
        var tool = await registry.FindAsync(toolId, cancellationToken);
        if (tool is null)
        {
            return new ToolRun(null, [], null, null);
        }

        var started = Stopwatch.GetTimestamp();
        var invalid = ToolSchemas.Validate(tool.Descriptor.Parameters, arguments, options.Value);
        ToolResult result;
        if (invalid.Count > 0)
        {
            if (!logRefusals)
            {
                return new ToolRun(tool, invalid, null, null);
            }

            result = new ToolResult(false, "The arguments do not match the tool's parameters: " + string.Join("; ", invalid.Select(e => $"{e.Field}: {e.Message}")), null, "invalid_arguments");
        }
        else
        {
            result = await InvokeAsync(tool, context, arguments, cancellationToken);
        }

        var call = Log(context, toolId, arguments, source, result, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        logger.LogInformation("Tool {ToolId} ({Source}) for conversation {ConversationId}: {Success} in {DurationMs} ms",
            toolId, source, context.ConversationId, result.Success, call.DurationMs);
        if (conversation is not null)
        {
            await live.SignalAsync(
                new LiveSignal(conversation.TenantId, conversation.Id, conversation.UserId, conversation.LastSequence, ResultEvent, Event(call, tool, result), context.UserId),
                CancellationToken.None);
        }

        return new ToolRun(tool, invalid, result, call);
    }

    private async Task<ToolResult> InvokeAsync(RegisteredTool tool, ToolContext context, JsonObject arguments, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.CallTimeoutSeconds));
        try
        {
            return await tool.InvokeAsync(context, (JsonObject)arguments.DeepClone(), timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ToolResult(false, "timeout: the tool did not finish in time", null, "timeout");
        }
        catch (Exception e) when (e is HttpRequestException or OutboundBlockedException or InvalidOperationException or FormatException or IOException)
        {
            logger.LogWarning(e, "Tool {ToolId} failed", tool.Descriptor.Id);
            return new ToolResult(false, OutboundHttp.Describe(e), null, OutboundHttp.Describe(e));
        }
    }

    private ToolCall Log(ToolContext context, string toolId, JsonObject arguments, string source, ToolResult result, double durationMs)
    {
        var call = new ToolCall
        {
            Id = Guid.CreateVersion7(),
            TenantId = context.TenantId,
            ToolId = toolId,
            ConversationId = context.ConversationId,
            UserId = context.UserId,
            Source = source,
            Arguments = Redact(arguments).ToJsonString(),
            Success = result.Success,
            ResultSummary = Clip(analyzer.Redact(result.Summary).Text, 1000),
            Error = result.Error is null ? null : Clip(result.Error, 500),
            DurationMs = Math.Round(durationMs, 3),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Add(call);
        return call;
    }

    /// <summary>Each string in the arguments through the PII redactor (the JSON structure stays intact).</summary>
    private JsonNode Redact(JsonNode node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, p.Value is null ? null : Redact(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(v => v is null ? null : Redact(v))]),
        JsonValue v when v.TryGetValue<string>(out var s) => JsonValue.Create(analyzer.Redact(s).Text),
        _ => node.DeepClone(),
    };

    /// <summary>Integration Platform's <c>tool_result</c>: content, and metadata with tool_name, status and result.</summary>
    private static Dictionary<string, object?> Event(ToolCall call, RegisteredTool tool, ToolResult result) => new()
    {
        ["content"] = result.Success ? $"{tool.Descriptor.Name} completed" : $"{tool.Descriptor.Name} failed",
        ["tool_call_id"] = call.Id,
        ["tool_id"] = call.ToolId,
        ["tool_name"] = call.ToolId,
        ["status"] = result.Success ? "completed" : "failed",
        ["success"] = result.Success,
        ["result"] = Clip(result.Summary, 1000),
        ["duration_ms"] = call.DurationMs,
        ["metadata"] = new Dictionary<string, object?>
        {
            ["tool_name"] = call.ToolId,
            ["status"] = result.Success ? "completed" : "failed",
            ["result"] = Clip(result.Summary, 1000),
            ["tool_call_id"] = call.Id,
            ["source"] = call.Source,
            ["duration_ms"] = call.DurationMs,
        },
    };

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 3)] + "...";
}
