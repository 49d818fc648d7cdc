using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.ConversationModel;
using Parley.Server.Storage;
using Parley.Server.Tools;
using Parley.Server.Users;

namespace Parley.Server.Tickets;

/// <summary>
/// Built-in tool <c>create_ticket</c>: opens a ticket for the conversation's customer, linked to the
/// conversation, with the permissions of the conversation's user and tenant.
/// </summary>
public sealed class CreateTicketTool : IBuiltInTool
{
    public ToolDescriptor Descriptor { get; } = new("create_ticket", "create_ticket",
        "Open a support ticket for the customer, linked to this conversation, when the request needs follow-up by the support team.",
        "support",
        new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["title"] = new JsonObject { ["type"] = "string", ["minLength"] = 1, ["maxLength"] = 200, ["description"] = "A short summary of the problem." },
                ["description"] = new JsonObject { ["type"] = "string", ["maxLength"] = 10000, ["description"] = "What the customer needs, in detail." },
                ["priority"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. TicketPriority.All.Select(p => JsonValue.Create(p))]) },
                ["category"] = new JsonObject { ["type"] = "string", ["maxLength"] = 100 },
            },
            ["required"] = new JsonArray("title"),
            ["additionalProperties"] = false,
        });

    public async Task<ToolResult> InvokeAsync(ToolContext context, JsonObject arguments, IServiceProvider services, CancellationToken cancellationToken)
    {
        var title = (string?)arguments["title"];
        var priority = (string?)arguments["priority"];
        if (string.IsNullOrWhiteSpace(title) || (priority is not null && !TicketPriority.All.Contains(priority)))
        {
            return new ToolResult(false, "The ticket needs a title and a known priority.", Error: "invalid_arguments");
        }

        using var tenant = services.GetRequiredService<CurrentUser>().ActAsTenant(context.TenantId);
        var db = services.GetRequiredService<ParleyDb>();
        var tickets = services.GetRequiredService<TicketService>();
        var description = (string?)arguments["description"];
        var category = (string?)arguments["category"];
        Ticket ticket;
        if (context.ConversationId is { } conversationId)
        {
            var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == conversationId, cancellationToken);
            // Customers act only on their own conversations.
            if (conversation is null || (Roles.Rank(context.Role) < Roles.Rank(Roles.Agent) && conversation.UserId != context.UserId))
            {
                return new ToolResult(false, "The conversation was not found.", Error: "not_found");
            }

            ticket = await tickets.AddForConversationAsync(conversation, title.Trim(), description, priority, category, TicketSources.Tool, context.UserId, cancellationToken);
        }
        else
        {
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            ticket = new Ticket
            {
                Id = Guid.CreateVersion7(),
                TenantId = context.TenantId,
                Title = title.Trim(),
                Description = description,
                Priority = priority ?? TicketPriority.Medium,
                PriorityRank = TicketPriority.Rank(priority ?? TicketPriority.Medium),
                Category = category,
                Source = TicketSources.Tool,
                CustomerId = context.UserId?.ToString(),
                CustomerUserId = context.UserId,
                CreatedBy = context.UserId,
                CreatedAt = now,
                UpdatedAt = now,
            };
            await tickets.AddAsync(ticket, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        return new ToolResult(true, $"Opened ticket {ticket.Id} ({ticket.Priority}): {ticket.Title}",
            new JsonObject { ["ticket_id"] = ticket.Id.ToString(), ["status"] = ticket.Status, ["priority"] = ticket.Priority, ["conversation_id"] = ticket.ConversationId?.ToString() });
    }
}
