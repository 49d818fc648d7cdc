using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.ConversationModel;
using Parley.Server.Conversations;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.RateLimiting;
using Parley.Server.Infrastructure.Secrets;
using Parley.Server.Storage;
using Parley.Server.Users;

namespace Parley.Server.Widget;

/// <summary>
/// <c>/widget/{website_token}/...</c>: what the chat widget calls. Config and visitor tokens need no
/// sign-in (the website token names the channel, its allowed origins gate browsers); conversations
/// and ratings need that channel's visitor token. Messages then flow over the ordinary chat
/// surfaces (conversation WebSocket, <c>/chat/stream</c>, <c>/conversations/{id}/events</c>).
/// </summary>
public static class WidgetApi
{
    public const string VisitorPolicy = "visitor";

    public static RouteGroupBuilder MapWidget(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/widget/{websiteToken}").WithTags("Widget").AllowVisitors().AddEndpointFilter<WidgetChannelFilter>();
        group.MapGet("/config", Config).AllowAnonymous()
            .WithOperation("getWidgetConfig", "The widget's appearance, greeting and strings for a website token");
        group.MapPost("/visitors", StartVisitorAsync).AllowAnonymous().RequireRateLimit(WidgetSetup.VisitorsRateLimit)
            .WithOperation("createWidgetVisitor", "Start a visitor (optionally identified by the host site's HMAC) and get its tokens");
        group.MapPost("/visitors/refresh", RefreshVisitorAsync).AllowAnonymous().RequireRateLimit(WidgetSetup.VisitorsRateLimit)
            .WithOperation("refreshWidgetVisitor", "Exchange a visitor's refresh token for new tokens");
        var visitor = group.MapGroup("/conversations").RequireAuthorization(VisitorPolicy);
        visitor.MapGet("", ListConversationsAsync).WithOperation("listWidgetConversations", "The visitor's own conversations on this channel, newest first");
        visitor.MapPost("", StartConversationAsync).RequireRateLimit(RateLimitPolicies.Chat)
            .WithOperation("createWidgetConversation", "Start a conversation on this channel (channel web_widget)");
        visitor.MapPost("/{id:guid}/rating", RateAsync).WithOperation("rateWidgetConversation", "Rate an ended conversation 1-5 with an optional comment (CSAT)");
        WidgetAttachments.MapWidgetAttachments(visitor);
        api.MapConversationAttachments();
        return group;
    }

    private static Ok<WidgetConfig> Config(HttpContext http) => TypedResults.Ok(WidgetConfig.From(WidgetChannelFilter.Channel(http).Row));

    private static async Task<Results<Created<VisitorSession>, ErrorResult>> StartVisitorAsync(
        VisitorRequest request, HttpContext http, ParleyDb db, CurrentUser me, TokenService tokens, SecretProtector secrets, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var channel = WidgetChannelFilter.Channel(http);
        if (request.Identifier is { } identifier)
        {
            var secret = secrets.Unprotect(channel.Row.SecretProtected);
            if (secret is null || !WidgetTokens.Verify(secret, identifier, request.IdentifierHash!))
            {
                return ErrorResult.Unauthorized("identifier_hash does not match identifier for this channel: compute HMAC-SHA256(identifier, identity secret) on your server.");
            }
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var existing = request.Identifier is null ? null
            : await db.Set<WidgetVisitor>().FirstOrDefaultAsync(v => v.ChannelId == channel.Id && v.Identifier == request.Identifier, cancellationToken);
        User user;
        if (existing is not null)
        {
            user = await db.Users.FirstAsync(u => u.Id == existing.Id, cancellationToken);
            if (!user.IsActive)
            {
                return ErrorResult.Forbidden("This visitor has been blocked.");
            }

            existing.Name = request.Name ?? existing.Name;
            existing.Email = request.Email ?? existing.Email;
            existing.LastSeenAt = now;
        }
        else
        {
            user = NewVisitor(channel, request, now, db);
        }

        var pair = tokens.StartSession(user, http.Request.Headers.UserAgent, http.Connection.RemoteIpAddress?.ToString());
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (request.Identifier is not null)
        {
            // The same identified visitor started on two devices at once: the other request made the row.
            return ErrorResult.Conflict("This visitor is being started by another request; try again.");
        }

        if (request.Identifier is not null && me.UserId is { } caller && caller != user.Id)
        {
            await AdoptAnonymousAsync(db, tokens, caller, user.Id, request.Identifier, now, cancellationToken);
        }

        return TypedResults.Created($"/api/v1/widget/{channel.WebsiteToken}/visitors/{user.Id}",
            new VisitorSession(user.Id, request.Identifier is not null, pair.AccessToken, pair.RefreshToken, "bearer", pair.ExpiresIn, WidgetConfig.From(channel.Row)));
    }

    /// <summary>
    /// An anonymous visitor of this channel (the caller's token; the visitor gate and the channel
    /// filter have already refused another channel's or tenant's) has just been verified as the host
    /// site's customer: its conversations become the customer's, so every device signed in as that
    /// customer shows them, and the anonymous identity's sessions end. A visitor who was already
    /// identified as someone else keeps its conversations: they belong to that other customer.
    /// </summary>
    private static async Task AdoptAnonymousAsync(ParleyDb db, TokenService tokens, Guid anonymousId, Guid customerId, string identifier, DateTime now, CancellationToken cancellationToken)
    {
        var anonymous = await db.Set<WidgetVisitor>().AsNoTracking().FirstOrDefaultAsync(v => v.Id == anonymousId && v.Identifier == null, cancellationToken);
        if (anonymous is null)
        {
            return;
        }

        await db.Conversations.Where(c => c.UserId == anonymousId && c.Channel == Channels.WebWidget)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.UserId, customerId).SetProperty(x => x.CustomerId, identifier).SetProperty(x => x.UpdatedAt, now), cancellationToken);
        await db.Set<WidgetVisitor>().Where(v => v.Id == customerId)
            .ExecuteUpdateAsync(v => v.SetProperty(x => x.Name, x => x.Name ?? anonymous.Name).SetProperty(x => x.Email, x => x.Email ?? anonymous.Email), cancellationToken);
        await tokens.RevokeAllSessionsAsync(anonymousId, "identified", null, cancellationToken);
    }

    private static User NewVisitor(WidgetDirectory.ChannelInfo channel, VisitorRequest request, DateTime now, ParleyDb db)
    {
        var id = Guid.CreateVersion7();
        var email = $"visitor-{id:N}@visitors.invalid";
        var user = new User
        {
            Id = id,
            TenantId = channel.TenantId,
            Email = email,
            NormalizedEmail = User.Normalize(email),
            FullName = request.Name ?? "Visitor",
            // A hash no password matches (format byte 0xFF): visitors never sign in with a password.
            PasswordHash = "/w==",
            Role = Roles.Visitor,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Users.Add(user);
        db.Add(new WidgetVisitor
        {
            Id = id,
            TenantId = channel.TenantId,
            ChannelId = channel.Id,
            Identifier = request.Identifier,
            Name = request.Name,
            Email = request.Email,
            CreatedAt = now,
            LastSeenAt = now,
        });
        return user;
    }

    private static async Task<Results<Ok<VisitorSession>, ErrorResult>> RefreshVisitorAsync(
        VisitorRefreshRequest request, HttpContext http, ParleyDb db, TokenService tokens, CancellationToken cancellationToken)
    {
        var channel = WidgetChannelFilter.Channel(http);
        var session = await tokens.FindSessionAsync(request.RefreshToken!, cancellationToken);
        var owner = session is null ? null : await db.AuthSessions.IgnoreQueryFilters().Where(s => s.Id == session).Select(s => (Guid?)s.UserId).FirstOrDefaultAsync(cancellationToken);
        if (owner is null || !await db.Set<WidgetVisitor>().AnyAsync(v => v.Id == owner && v.ChannelId == channel.Id, cancellationToken))
        {
            return ErrorResult.Unauthorized("Not a visitor refresh token of this channel.");
        }

        var (pair, user, error) = await tokens.RotateAsync(request.RefreshToken!, cancellationToken);
        if (pair is null || user is null)
        {
            return ErrorResult.Unauthorized(error ?? "Invalid refresh token.");
        }

        var identified = await db.Set<WidgetVisitor>().AnyAsync(v => v.Id == user.Id && v.Identifier != null, cancellationToken);
        return TypedResults.Ok(new VisitorSession(user.Id, identified, pair.AccessToken, pair.RefreshToken, "bearer", pair.ExpiresIn, WidgetConfig.From(channel.Row)));
    }

    private static async Task<Ok<WidgetConversationView[]>> ListConversationsAsync(ConversationService conversations, CancellationToken cancellationToken)
        => TypedResults.Ok((await conversations.Visible().AsNoTracking().Where(c => c.Channel == Channels.WebWidget)
            .OrderByDescending(c => c.CreatedAt).Take(50).ToListAsync(cancellationToken)).Select(WidgetConversationView.From).ToArray());

    private static async Task<Created<WidgetConversationView>> StartConversationAsync(
        HttpContext http, ConversationService conversations, ParleyDb db, CurrentUser me, CancellationToken cancellationToken)
    {
        var channel = WidgetChannelFilter.Channel(http);
        var visitor = await db.Set<WidgetVisitor>().AsNoTracking().FirstAsync(v => v.Id == me.RequiredUserId, cancellationToken);
        var metadata = JsonSerializer.SerializeToElement(new Dictionary<string, object?>
        {
            ["widget_channel_id"] = channel.Id,
            ["widget_channel"] = channel.Row.Name,
            ["visitor_name"] = visitor.Name,
            ["visitor_email"] = visitor.Email,
            ["visitor_identifier"] = visitor.Identifier,
            ["origin"] = http.Request.Headers.Origin.ToString() is { Length: > 0 and <= 300 } origin ? origin : null,
        });
        var conversation = await conversations.StartAsync(null, Channels.WebWidget, visitor.Identifier, channel.Row.AssistantId, metadata, cancellationToken);
        return TypedResults.Created($"/api/v1/conversations/{conversation.Id}", WidgetConversationView.From(conversation));
    }

    private static async Task<Results<Created<RatingResponse>, ErrorResult>> RateAsync(
        Guid id, RatingRequest request, ConversationService conversations, ParleyDb db, CurrentUser me, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await conversations.FindAsync(id, cancellationToken) is not { Channel: Channels.WebWidget } conversation)
        {
            return ErrorResult.NotFound("Conversation");
        }

        if (conversation.Status != ConversationStatus.Ended)
        {
            return ErrorResult.Conflict("A conversation is rated once it has ended.");
        }

        if (await db.MessageFeedback.AnyAsync(f => f.ConversationId == id && f.Category == CsatCategory, cancellationToken))
        {
            return ErrorResult.Conflict("This conversation has already been rated.");
        }

        var last = await db.Messages.AsNoTracking().Where(m => m.ConversationId == id).OrderByDescending(m => m.Sequence).Select(m => (Guid?)m.Id).FirstOrDefaultAsync(cancellationToken);
        if (last is not { } messageId)
        {
            return ErrorResult.Conflict("There is nothing to rate in this conversation.");
        }

        var feedback = new MessageFeedback
        {
            Id = Guid.CreateVersion7(),
            TenantId = conversation.TenantId,
            MessageId = messageId,
            ConversationId = id,
            UserId = me.UserId,
            Rating = request.Rating!.Value,
            Feedback = request.Comment,
            Category = CsatCategory,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.MessageFeedback.Add(feedback);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/widget/conversations/{id}/rating",
            new RatingResponse(feedback.Id, id, messageId, feedback.Rating, feedback.Feedback, CsatCategory, feedback.CreatedAt));
    }

    public const string CsatCategory = "csat";
}

/// <summary>
/// Resolves the route's website token to an active channel (404 otherwise), refuses browsers on
/// origins the channel does not allow, adds CORS headers for allowed ones, and puts the request in
/// the channel's tenant (anonymous calls have no tenant of their own).
/// </summary>
public sealed class WidgetChannelFilter(WidgetDirectory directory, CurrentUser me) : IEndpointFilter
{
    private const string ItemKey = "parley.widget.channel";

    public static WidgetDirectory.ChannelInfo Channel(HttpContext http) => (WidgetDirectory.ChannelInfo)http.Items[ItemKey]!;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var token = http.Request.RouteValues["websiteToken"] as string ?? string.Empty;
        if (await directory.ByTokenAsync(token, http.RequestAborted) is not { IsActive: true } channel)
        {
            return ErrorResult.NotFound("Widget channel");
        }

        var origin = http.Request.Headers.Origin.ToString();
        if (!WidgetOrigins.Allows(channel.AllowedOrigins, origin, http.Request))
        {
            return ErrorResult.Forbidden("This origin is not allowed for this widget channel.");
        }

        WidgetCors.Allow(http, origin);
        if (me.IsAuthenticated && me.TenantId != channel.TenantId)
        {
            return ErrorResult.Forbidden("This token belongs to another tenant.");
        }

        http.Items[ItemKey] = channel;
        using (me.ActAsTenant(channel.TenantId))
        {
            return await next(context);
        }
    }
}
