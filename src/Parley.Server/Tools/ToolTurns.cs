using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;
using Parley.Server.ConversationModel;
using Parley.Server.Storage;

namespace Parley.Server.Tools;

/// <summary>
/// The tools one turn may use, for an LLM's function calling: the descriptors to offer and a way
/// to call them that validates, logs, streams <c>tool_result</c> and enforces the per-turn bounds.
/// </summary>
public sealed class ToolSession(IReadOnlyList<ToolDescriptor> tools, ToolOptions limits, Func<string, JsonObject, CancellationToken, Task<ToolResult>> invoke)
{
    private int _calls;

    public IReadOnlyList<ToolDescriptor> Tools => tools;
    public ToolOptions Limits => limits;
    public int Calls => _calls;

    public Task<ToolResult> InvokeAsync(string toolId, JsonObject arguments, CancellationToken cancellationToken)
        => ++_calls > limits.MaxCallsPerTurn
            ? Task.FromResult(new ToolResult(false, $"The limit of {limits.MaxCallsPerTurn} tool calls for this message is reached; answer with what you have.", null, "call_limit"))
            : invoke(toolId, arguments, cancellationToken);
}

/// <summary>The tool stage of a chat turn: intent routes for the built-in engine, a <see cref="ToolSession"/> for an LLM.</summary>
public interface IToolRouting
{
    /// <summary>The answer made from a matching route's tool result, or null when no route matches.</summary>
    Task<Answer?> TryRouteAsync(Conversation conversation, Understanding.MessageUnderstanding understanding, string redactedText, CancellationToken cancellationToken);

    /// <summary>The tools an LLM may call in this turn (of those <paramref name="allowed"/>), or null when none.</summary>
    Task<ToolSession?> SessionAsync(Conversation conversation, IReadOnlyCollection<string> allowed, CancellationToken cancellationToken);
}

/// <summary>Tools inside a turn: intent routes for the built-in engine, a <see cref="ToolSession"/> for an LLM.</summary>
public sealed class ToolTurns(ToolExecutor executor, ToolRegistry registry, ToolCatalog catalog, ParleyDb db, CurrentUser me, IOptions<ToolOptions> options) : IToolRouting
{
    public const string DefaultTemplate = "{result}";

    /// <summary>
    /// When a route matches the message (the assistant's routes before the tenant's; intent before
    /// keywords), runs its tool and returns the answer made from the result; otherwise null.
    /// </summary>
    public async Task<Answer?> TryRouteAsync(Conversation conversation, Understanding.MessageUnderstanding understanding, string redactedText, CancellationToken cancellationToken)
    {
        var all = catalog.FindRoutes(conversation.TenantId);
        if (all is null)
        {
            all = await db.Set<ToolRoute>().AsNoTracking().Where(r => r.TenantId == conversation.TenantId).ToListAsync(cancellationToken);
            catalog.StoreRoutes(conversation.TenantId, all);
        }

        var routes = all.Where(r => r.AssistantId == null || r.AssistantId == conversation.AssistantId).ToList();
        if (routes.Count == 0)
        {
            return null;
        }

        var ordered = routes.OrderBy(r => r.AssistantId is null ? 1 : 0).ThenBy(r => r.CreatedAt).ToList();
        var route = ordered.FirstOrDefault(r => r.Intent == understanding.Intent && understanding.Confidence >= r.MinConfidence)
            ?? ordered.FirstOrDefault(r => ToolRouting.Keywords(r).Any(k => redactedText.Contains(k, StringComparison.OrdinalIgnoreCase)));
        if (route is null)
        {
            return null;
        }

        var arguments = Fill(Integrations.IntegrationConfig.Parse(route.Arguments), redactedText, understanding.Intent);
        var run = await executor.ExecuteAsync(Context(conversation), route.ToolId, arguments, ToolCallSources.BuiltIn, conversation, logRefusals: true, cancellationToken);
        if (run.NotFound)
        {
            return null;
        }

        var result = run.Result!;
        var text = result.Success
            ? (route.ResponseTemplate ?? DefaultTemplate).Replace("{result}", result.Summary, StringComparison.Ordinal)
            : "I couldn't complete that just now. Would you like me to connect you with a member of our support team?";
        var metadata = new Dictionary<string, object?>
        {
            ["engine"] = Answer.BuiltInEngine,
            ["tool_id"] = route.ToolId,
            ["tool_call_id"] = run.Call?.Id,
            ["tool_success"] = result.Success,
            ["tool_route_id"] = route.Id,
        };
        return new Answer(text, Math.Round(result.Success ? Math.Max(understanding.Confidence, 0.9) : 0.5, 4), [], Answer.BuiltInEngine, 0, metadata);
    }

    /// <summary>The tenant's tools for function calling, or null when there are none.</summary>
    /// <param name="allowed">Tool ids the conversation's assistant lists; empty offers every tool of the tenant.</param>
    public async Task<ToolSession?> SessionAsync(Conversation conversation, IReadOnlyCollection<string> allowed, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.MaxSteps == 0)
        {
            return null;
        }

        var tools = await registry.ListAsync(cancellationToken);
        if (allowed.Count > 0)
        {
            tools = tools.Where(t => allowed.Contains(t.Descriptor.Id, StringComparer.Ordinal) || allowed.Contains(t.Descriptor.Name, StringComparer.Ordinal)).ToList();
        }

        if (tools.Count == 0)
        {
            return null;
        }

        var context = Context(conversation);
        return new ToolSession(tools.Select(t => t.Descriptor).ToList(), settings, async (id, args, ct) =>
        {
            var run = await executor.ExecuteAsync(context, id, args, ToolCallSources.Llm, conversation, logRefusals: true, ct);
            return run.NotFound ? new ToolResult(false, $"There is no tool '{id}'.", null, "unknown_tool") : run.Result!;
        });
    }

    /// <summary>Tools act for the conversation's tenant and the user taking the turn, with that user's role.</summary>
    private ToolContext Context(Conversation conversation) => new(conversation.TenantId, me.UserId, me.Role, conversation.Id, conversation.AssistantId);

    private static JsonObject Fill(JsonObject template, string message, string intent)
    {
        var filled = new JsonObject();
        foreach (var (key, value) in template)
        {
            filled[key] = value is JsonValue v && v.TryGetValue<string>(out var s)
                ? s.Replace("{message}", message, StringComparison.Ordinal).Replace("{intent}", intent, StringComparison.Ordinal)
                : value?.DeepClone();
        }

        return filled;
    }
}
