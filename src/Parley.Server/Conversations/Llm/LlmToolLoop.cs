using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Parley.Server.Tools;

namespace Parley.Server.Conversations.Llm;

/// <summary>
/// The function-calling rounds of one answer: the turn's tools are offered to the model; each round
/// of calls is run (through <see cref="ToolSession"/>: schema check, log, <c>tool_result</c>) and
/// answered; once a bound is hit (rounds, seconds, tokens) the model is told to answer without tools.
/// </summary>
internal sealed class LlmToolLoop
{
    private readonly ToolSession? _session;
    private readonly ChatOptions _options;
    private readonly long _started;
    private int _steps;
    private string? _stoppedBy;

    public LlmToolLoop(ToolSession? session, ChatOptions options, long started)
    {
        _session = session;
        _options = options;
        _started = started;
        if (session is { Tools.Count: > 0 })
        {
            options.Tools = [.. session.Tools.Select(t => AIFunctionFactory.CreateDeclaration(t.Id, t.Description, JsonSerializer.SerializeToElement(t.Parameters)))];
            options.ToolMode = ChatToolMode.Auto;
        }
    }

    /// <summary>Runs the calls and appends them and their results to <paramref name="messages"/>; false when no further round may happen.</summary>
    public async Task<bool> RunAsync(List<FunctionCallContent> calls, IList<ChatMessage> messages, UsageDetails? usage, CancellationToken cancellationToken)
    {
        if (_session is null || _stoppedBy is not null)
        {
            // A model that asks for tools it was not offered (or after being told to stop) gets no more rounds.
            return false;
        }

        _steps++;
        messages.Add(new ChatMessage(ChatRole.Assistant, [.. calls]));
        foreach (var call in calls)
        {
            ToolResult result;
            if (call.Exception is not null)
            {
                result = new ToolResult(false, "The arguments were not valid JSON.", null, "invalid_arguments");
            }
            else
            {
                var arguments = JsonSerializer.SerializeToNode(call.Arguments ?? new Dictionary<string, object?>()) as JsonObject ?? [];
                result = await _session.InvokeAsync(call.Name, arguments, cancellationToken);
            }

            messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, Serialize(result, _session.Limits.MaxResultChars))]));
        }

        var limits = _session.Limits;
        _stoppedBy = _steps >= limits.MaxSteps ? "max_steps"
            : Stopwatch.GetElapsedTime(_started).TotalSeconds >= limits.MaxSeconds ? "max_seconds"
            : (usage?.TotalTokenCount ?? (usage?.InputTokenCount ?? 0) + (usage?.OutputTokenCount ?? 0)) >= limits.MaxTokens ? "max_tokens"
            : _session.Calls >= limits.MaxCallsPerTurn ? "max_calls"
            : null;
        if (_stoppedBy is not null)
        {
            _options.ToolMode = ChatToolMode.None;
        }

        return true;
    }

    public IReadOnlyDictionary<string, object?> Describe(IReadOnlyDictionary<string, object?> metadata)
    {
        if (_steps == 0)
        {
            return metadata;
        }

        return new Dictionary<string, object?>(metadata)
        {
            ["tool_steps"] = _steps,
            ["tool_calls"] = _session?.Calls ?? 0,
            ["tool_limit_reached"] = _stoppedBy is "max_steps" or "max_seconds" or "max_tokens" or "max_calls" ? _stoppedBy : null,
        };
    }

    public static UsageDetails? Add(UsageDetails? total, UsageDetails? step)
    {
        if (step is null)
        {
            return total;
        }

        if (total is null)
        {
            return step;
        }

        return new UsageDetails
        {
            InputTokenCount = total.InputTokenCount + step.InputTokenCount,
            OutputTokenCount = total.OutputTokenCount + step.OutputTokenCount,
            TotalTokenCount = total.TotalTokenCount + step.TotalTokenCount,
        };
    }

    /// <summary>What the model reads back: success, the summary and the data, clipped.</summary>
    private static string Serialize(ToolResult result, int maxChars)
    {
        var json = new JsonObject
        {
            ["success"] = result.Success,
            ["summary"] = result.Summary,
            ["data"] = result.Data?.DeepClone(),
        };
        if (result.Error is not null)
        {
            json["error"] = result.Error;
        }

        var text = json.ToJsonString();
        return text.Length <= maxChars ? text : JsonSerializer.Serialize(new { success = result.Success, summary = result.Summary, truncated = true });
    }
}
