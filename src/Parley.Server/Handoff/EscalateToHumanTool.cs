using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.ConversationModel;
using Parley.Server.Storage;
using Parley.Server.Tools;
using Parley.Server.Users;

namespace Parley.Server.Handoff;

/// <summary>
/// Built-in tool <c>escalate_to_human</c>: puts the conversation in the tenant's agent queue and opens
/// its escalation ticket, exactly as an escalation decided by the turn does.
/// </summary>
public sealed class EscalateToHumanTool : IBuiltInTool
{
    public ToolDescriptor Descriptor { get; } = new("escalate_to_human", "escalate_to_human",
        "Hand the conversation over to a human support agent when the customer asks for a person or the assistant cannot help.",
        "support",
        new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["reason"] = new JsonObject { ["type"] = "string", ["maxLength"] = 500, ["description"] = "Why a person is needed." },
            },
            ["additionalProperties"] = false,
        });

    public async Task<ToolResult> InvokeAsync(ToolContext context, JsonObject arguments, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (context.ConversationId is not { } conversationId)
        {
            return new ToolResult(false, "There is no conversation to escalate.", Error: "no_conversation");
        }

        using var tenant = services.GetRequiredService<CurrentUser>().ActAsTenant(context.TenantId);
        var db = services.GetRequiredService<ParleyDb>();
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.Id == conversationId, cancellationToken);
        if (conversation is null || (Roles.Rank(context.Role) < Roles.Rank(Roles.Agent) && conversation.UserId != context.UserId))
        {
            return new ToolResult(false, "The conversation was not found.", Error: "not_found");
        }

        var reason = (string?)arguments["reason"];
        var (escalated, ticket, error) = await services.GetRequiredService<HandoffService>().EscalateAsync(conversation, reason is { Length: > 0 } ? reason : "assistant_tool", cancellationToken);
        if (escalated is null)
        {
            return new ToolResult(false, error!.Message, Error: "conflict");
        }

        return new ToolResult(true,
            ticket is null ? "The conversation is already waiting for a person." : $"Escalated to a person; ticket {ticket.Id} opened.",
            new JsonObject { ["conversation_id"] = escalated.Id.ToString(), ["status"] = escalated.Status, ["ticket_id"] = ticket?.Id.ToString() });
    }
}
