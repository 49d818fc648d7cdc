using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Pagination;

namespace Parley.Server.Tickets;

/// <summary>The HeliosCS document: <c>/tickets</c>. Customers see their own tickets; agents and admins their tenant's.</summary>
public static class TicketsApi
{
    private static readonly ListSpec<Ticket> ListSpec = new ListSpec<Ticket>(t => t.Id)
        .SortBy("created_at", t => t.CreatedAt, isDefault: true, defaultDescending: true)
        .SortBy("updated_at", t => t.UpdatedAt)
        .SortBy("priority", t => t.PriorityRank)
        .SortBy("status", t => t.Status)
        .SortBy("title", t => t.Title)
        .FilterBy("status", v => TicketStatus.All.Contains(v) ? t => t.Status == v : null)
        .FilterBy("priority", v => TicketPriority.All.Contains(v) ? t => t.Priority == v : null)
        .FilterBy("category", v => t => t.Category == v)
        .FilterBy("source", v => t => t.Source == v)
        .FilterBy("assignee_id", v => Guid.TryParse(v, out var id) ? t => t.AssigneeId == id : null)
        .FilterBy("conversation_id", v => Guid.TryParse(v, out var id) ? t => t.ConversationId == id : null)
        .FilterBy("session_id", v => Guid.TryParse(v, out var id) ? t => t.ConversationId == id : null)
        .FilterBy("customer_id", v => t => t.CustomerId == v)
        .SearchBy(term =>
        {
            var s = term.ToUpperInvariant();
            return t => t.Title.ToUpper().Contains(s) || (t.Description != null && t.Description.ToUpper().Contains(s));
        });

    public static RouteGroupBuilder MapTickets(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/tickets").WithTags("Tickets");
        group.MapPost("/create", CreateAsync);
        group.MapPost("", CreateAsync);
        group.MapGet("", ListAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapPut("/{id:guid}", UpdateAsync);
        group.MapPatch("/{id:guid}", UpdateAsync);
        group.MapGet("/{id:guid}/comments", CommentsAsync);
        group.MapPost("/{id:guid}/comments", AddCommentAsync);
        return group;
    }

    private static async Task<Results<Created<TicketView>, ErrorResult>> CreateAsync(CreateTicketRequest request, TicketService tickets, CancellationToken cancellationToken)
    {
        var (ticket, error) = await tickets.CreateAsync(request, cancellationToken);
        return ticket is null ? error! : TypedResults.Created($"/api/v1/tickets/{ticket.Id}", TicketView.From(ticket, []));
    }

    /// <summary>Plain <c>status</c> and <c>priority</c> parameters are accepted beside <c>filter[...]</c>.</summary>
    private static Task<Results<PagedResult<TicketView>, ErrorResult>> ListAsync(
        TicketService tickets, PageQuery query, string? status, string? priority, CancellationToken cancellationToken)
    {
        var rows = tickets.Visible().AsNoTracking();
        if (status is not null)
        {
            rows = rows.Where(t => t.Status == status);
        }

        if (priority is not null)
        {
            rows = rows.Where(t => t.Priority == priority);
        }

        return ListSpec.ToPageAsync(rows, query, t => TicketView.From(t), cancellationToken);
    }

    private static async Task<Results<Ok<TicketView>, ErrorResult>> GetAsync(Guid id, TicketService tickets, CancellationToken cancellationToken)
        => await tickets.FindAsync(id, cancellationToken) is { } ticket
            ? TypedResults.Ok(TicketView.From(ticket, await tickets.CommentsAsync(id, cancellationToken)))
            : ErrorResult.NotFound("Ticket");

    private static async Task<Results<Ok<TicketView>, ErrorResult>> UpdateAsync(
        Guid id, UpdateTicketRequest request, TicketService tickets, CancellationToken cancellationToken)
    {
        if (await tickets.FindAsync(id, cancellationToken) is not { } ticket)
        {
            return ErrorResult.NotFound("Ticket");
        }

        return await tickets.UpdateAsync(ticket, request, cancellationToken) is { } error
            ? error
            : TypedResults.Ok(TicketView.From(ticket, await tickets.CommentsAsync(id, cancellationToken)));
    }

    private static async Task<Results<ArrayPageResult<TicketCommentView>, ErrorResult>> CommentsAsync(Guid id, PageQuery query, TicketService tickets, CancellationToken cancellationToken)
        => await tickets.FindAsync(id, cancellationToken) is null
            ? ErrorResult.NotFound("Ticket")
            : ListPages.Of((await tickets.CommentsAsync(id, cancellationToken)).Select(TicketCommentView.From).ToList(), query);

    private static async Task<Results<Created<TicketCommentView>, ErrorResult>> AddCommentAsync(
        Guid id, AddCommentRequest request, TicketService tickets, CancellationToken cancellationToken)
    {
        if (await tickets.FindAsync(id, cancellationToken) is not { } ticket)
        {
            return ErrorResult.NotFound("Ticket");
        }

        var comment = await tickets.CommentAsync(ticket, request.Text!, cancellationToken);
        return TypedResults.Created($"/api/v1/tickets/{id}/comments", TicketCommentView.From(comment));
    }
}
