using System.Text.Json.Nodes;

namespace Parley.Server.Tools;

/// <summary>What the registry shows for a tool (AI Assistant Platform <c>/tools</c>): <c>parameters</c> is a JSON Schema object.</summary>
public sealed record ToolDescriptor(string Id, string Name, string Description, string Category, JsonObject Parameters);

/// <summary>Who a tool runs for: tools act with the permissions of the conversation's user and tenant.</summary>
public sealed record ToolContext(Guid TenantId, Guid? UserId, string Role, Guid? ConversationId, Guid? AssistantId);

/// <summary>A tool call's outcome; <see cref="Summary"/> is short, safe to log and to show in a <c>tool_result</c> event.</summary>
public sealed record ToolResult(bool Success, string Summary, JsonNode? Data = null, string? Error = null);

/// <summary>
/// A tool Parley ships (knowledge_search, create_ticket, escalate_to_human, ...). Each feature that
/// owns the action implements it and registers it as a singleton <see cref="IBuiltInTool"/>; the tool
/// registry lists them beside integration actions and custom HTTP tools. Arguments arrive already
/// validated against <see cref="ToolDescriptor.Parameters"/>.
/// </summary>
public interface IBuiltInTool
{
    ToolDescriptor Descriptor { get; }

    /// <param name="services">The scope of the call (a request or a background turn), for scoped services such as ParleyDb.</param>
    Task<ToolResult> InvokeAsync(ToolContext context, JsonObject arguments, IServiceProvider services, CancellationToken cancellationToken);
}
