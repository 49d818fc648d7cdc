using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Assistants;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Pagination;
using Parley.Server.Infrastructure.Secrets;
using Parley.Server.Storage;
using Parley.Server.Users;

namespace Parley.Server.Widget;

/// <summary>
/// <c>/widget/channels</c>: admins manage their tenant's web widget channels. The identity secret is
/// shown once, at creation and at rotation; reads show only the public website token and the embed snippet.
/// </summary>
public static class WidgetChannelsApi
{
    private static readonly ListSpec<WidgetChannel> ListSpec = new ListSpec<WidgetChannel>(c => c.Id)
        .SortBy("created_at", c => c.CreatedAt, isDefault: true)
        .SortBy("name", c => c.Name)
        .SearchBy(term => c => c.Name.ToUpper().Contains(term.ToUpperInvariant()));

    public static RouteGroupBuilder MapWidgetChannels(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/widget/channels").WithTags("Widget channels").RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapGet("", ListAsync).WithOperation("listWidgetChannels", "List the tenant's web widget channels");
        group.MapPost("", CreateAsync).WithOperation("createWidgetChannel", "Create a web widget channel (the identity secret is shown once)");
        group.MapGet("/{id:guid}", GetAsync).WithOperation("getWidgetChannel", "Read a web widget channel");
        group.MapPatch("/{id:guid}", UpdateAsync).WithOperation("updateWidgetChannel", "Change a web widget channel");
        group.MapPut("/{id:guid}", UpdateAsync).WithOperation("replaceWidgetChannel", "Change a web widget channel (same as PATCH)");
        group.MapDelete("/{id:guid}", DeleteAsync).WithOperation("deleteWidgetChannel", "Delete a web widget channel and its visitors");
        group.MapGet("/{id:guid}/visitors", ListVisitorsAsync).WithOperation("listWidgetVisitors", "The channel's visitors (anonymous and identified), newest first");
        group.MapPost("/{id:guid}/rotate-secret", RotateSecretAsync).WithOperation("rotateWidgetChannelSecret", "Replace the identity-verification secret (shown once)");
        return group;
    }

    private static readonly ListSpec<WidgetVisitor> VisitorSpec = new ListSpec<WidgetVisitor>(v => v.Id)
        .SortBy("created_at", v => v.CreatedAt, isDefault: true)
        .SortBy("last_seen_at", v => v.LastSeenAt)
        .FilterBy("identified", v => bool.TryParse(v, out var b) ? x => (x.Identifier != null) == b : null)
        .SearchBy(term => v => (v.Name != null && v.Name.ToUpper().Contains(term.ToUpperInvariant()))
            || (v.Email != null && v.Email.ToUpper().Contains(term.ToUpperInvariant())) || (v.Identifier != null && v.Identifier.Contains(term)));

    /// <summary>Visitors are contacts of a channel, not accounts: they are listed here, never under /users.</summary>
    private static async Task<Results<PagedResult<WidgetVisitorView>, ErrorResult>> ListVisitorsAsync(Guid id, ParleyDb db, PageQuery query, CancellationToken cancellationToken)
    {
        if (!await db.Set<WidgetChannel>().AnyAsync(c => c.Id == id, cancellationToken))
        {
            return ErrorResult.NotFound("Widget channel");
        }

        return await VisitorSpec.ToPageAsync(db.Set<WidgetVisitor>().AsNoTracking().Where(v => v.ChannelId == id), query, WidgetVisitorView.From, cancellationToken);
    }

    private static string ServerOrigin(HttpContext http) => WidgetOrigins.Own(http.Request);

    private static async Task<Results<PagedResult<WidgetChannelView>, ErrorResult>> ListAsync(ParleyDb db, PageQuery query, HttpContext http, CancellationToken cancellationToken)
        => await ListSpec.ToPageAsync(db.Set<WidgetChannel>().AsNoTracking(), query, c => WidgetChannelView.From(c, ServerOrigin(http)), cancellationToken);

    private static async Task<Results<Ok<WidgetChannelView>, ErrorResult>> GetAsync(Guid id, ParleyDb db, HttpContext http, CancellationToken cancellationToken)
        => await db.Set<WidgetChannel>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is { } channel
            ? TypedResults.Ok(WidgetChannelView.From(channel, ServerOrigin(http)))
            : ErrorResult.NotFound("Widget channel");

    private static async Task<Results<Created<WidgetChannelCreated>, ErrorResult>> CreateAsync(
        WidgetChannelRequest request, ParleyDb db, CurrentUser me, SecretProtector secrets, WidgetDirectory directory, TimeProvider clock, HttpContext http,
        CancellationToken cancellationToken)
    {
        if (request.Name is null)
        {
            return ErrorResult.Validation("name", "Required.");
        }

        if (await AssistantErrorAsync(request.AssistantId, db, cancellationToken) is { } error)
        {
            return error;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var secret = WidgetTokens.NewSecret();
        var channel = new WidgetChannel
        {
            Id = Guid.CreateVersion7(),
            TenantId = me.RequiredTenantId,
            Name = request.Name.Trim(),
            WebsiteToken = WidgetTokens.NewWebsiteToken(),
            SecretProtected = secrets.Protect(secret),
            CreatedBy = me.UserId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        Apply(channel, request);
        db.Add(channel);
        await db.SaveChangesAsync(cancellationToken);
        directory.Forget();
        return TypedResults.Created($"/api/v1/widget/channels/{channel.Id}", new WidgetChannelCreated(WidgetChannelView.From(channel, ServerOrigin(http)), secret));
    }

    private static async Task<Results<Ok<WidgetChannelView>, ErrorResult>> UpdateAsync(
        Guid id, WidgetChannelRequest request, ParleyDb db, WidgetDirectory directory, TimeProvider clock, HttpContext http, CancellationToken cancellationToken)
    {
        if (await db.Set<WidgetChannel>().FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } channel)
        {
            return ErrorResult.NotFound("Widget channel");
        }

        if (await AssistantErrorAsync(request.AssistantId, db, cancellationToken) is { } error)
        {
            return error;
        }

        Apply(channel, request);
        channel.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        directory.Forget();
        return TypedResults.Ok(WidgetChannelView.From(channel, ServerOrigin(http)));
    }

    private static async Task<Results<NoContent, ErrorResult>> DeleteAsync(Guid id, ParleyDb db, WidgetDirectory directory, CancellationToken cancellationToken)
    {
        if (await db.Set<WidgetChannel>().FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } channel)
        {
            return ErrorResult.NotFound("Widget channel");
        }

        // Visitors go with their channel: their user rows are deactivated (their conversations stay, as history).
        var visitors = db.Set<WidgetVisitor>().Where(v => v.ChannelId == id).Select(v => v.Id);
        await db.Users.Where(u => visitors.Contains(u.Id)).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsActive, false), cancellationToken);
        db.Remove(channel);
        await db.SaveChangesAsync(cancellationToken);
        directory.Forget();
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<WidgetSecret>, ErrorResult>> RotateSecretAsync(
        Guid id, ParleyDb db, SecretProtector secrets, WidgetDirectory directory, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await db.Set<WidgetChannel>().FirstOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } channel)
        {
            return ErrorResult.NotFound("Widget channel");
        }

        var secret = WidgetTokens.NewSecret();
        channel.SecretProtected = secrets.Protect(secret);
        channel.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        directory.Forget();
        return TypedResults.Ok(new WidgetSecret(channel.Id, secret));
    }

    private static async Task<ErrorResult?> AssistantErrorAsync(Guid? assistantId, ParleyDb db, CancellationToken cancellationToken)
        => assistantId is { } id && !await db.Set<Assistant>().AnyAsync(a => a.Id == id, cancellationToken)
            ? ErrorResult.Validation("assistant_id", "No assistant with this id in your tenant.")
            : null;

    private static void Apply(WidgetChannel channel, WidgetChannelRequest request)
    {
        channel.Name = request.Name?.Trim() ?? channel.Name;
        channel.AssistantId = request.AssistantId ?? channel.AssistantId;
        channel.Greeting = request.Greeting ?? channel.Greeting;
        if (request.AllowedOrigins is { } origins)
        {
            channel.AllowedOrigins = JsonSerializer.Serialize(origins.Select(WidgetOrigins.Normalize).Distinct().ToArray());
        }

        channel.Color = request.Color?.ToLowerInvariant() ?? channel.Color;
        channel.Position = request.Position ?? channel.Position;
        if (request.PreChatFields is { } fields)
        {
            channel.PreChatFields = JsonSerializer.Serialize(fields.Distinct().ToArray());
        }

        channel.AllowAttachments = request.AllowAttachments ?? channel.AllowAttachments;
        if (request.Strings is { } strings)
        {
            channel.Strings = JsonSerializer.Serialize(strings);
        }

        channel.IsActive = request.IsActive ?? channel.IsActive;
    }
}
