using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Caching;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Outbound;
using Parley.Server.Infrastructure.Pagination;
using Parley.Server.Infrastructure.Secrets;
using Parley.Server.Storage;

namespace Parley.Server.Webhooks;

/// <summary>
/// Outgoing webhook subscriptions (the Customer Care AI document, AI Assistant Platform), their delivery log and redelivery. Agents and
/// admins manage the tenant's; a plain user manages their own, which hear only events about what they own.
/// </summary>
public static class WebhooksApi
{
    private static readonly ListSpec<Webhook> ListSpec = new ListSpec<Webhook>(w => w.Id)
        .SortBy("created_at", w => w.CreatedAt, isDefault: true, defaultDescending: true)
        .SortBy("url", w => w.Url)
        .FilterBy("is_active", v => bool.TryParse(v, out var b) ? w => w.IsActive == b : null)
        .SearchBy(term => w => w.Url.Contains(term) || (w.Description != null && w.Description.Contains(term)));

    private static readonly ListSpec<WebhookDelivery> DeliverySpec = new ListSpec<WebhookDelivery>(d => d.Id)
        .SortBy("created_at", d => d.CreatedAt, isDefault: true, defaultDescending: true)
        .SortBy("next_attempt_at", d => d.NextAttemptAt)
        .FilterBy("status", v => DeliveryStatus.All.Contains(v) ? d => d.Status == v : null)
        .FilterBy("event", v => d => d.EventType == v);

    public static RouteGroupBuilder MapWebhooks(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/webhooks").WithTags("Webhooks");
        group.MapPost("", CreateAsync);
        group.MapGet("", ListAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapPut("/{id:guid}", UpdateAsync);
        group.MapDelete("/{id:guid}", DeleteAsync);
        group.MapPost("/{id:guid}/rotate-secret", RotateSecretAsync);
        group.MapGet("/{id:guid}/deliveries", DeliveriesAsync);
        group.MapGet("/{id:guid}/deliveries/{deliveryId:guid}", DeliveryAsync);
        group.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/redeliver", RedeliverAsync);
        api.MapInboundWebhooks();
        return group;
    }

    private static async Task<Results<Created<WebhookResponse>, ErrorResult>> CreateAsync(
        CreateWebhookRequest request, ParleyDb db, CurrentUser me, OutboundGuard guard, SecretProtector protector, TenantChanges changes,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        if (guard.CheckUrl(request.Url) is { } problem)
        {
            return ErrorResult.Validation("url", $"The URL {problem}.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var secret = request.Secret ?? WebhookSignature.NewSecret();
        var webhook = new Webhook
        {
            Id = Guid.CreateVersion7(),
            TenantId = me.RequiredTenantId,
            Url = request.Url!.Trim(),
            Events = JsonSerializer.Serialize(request.Events!.Distinct().Order()),
            Description = request.Description,
            SecretProtected = protector.Protect(secret),
            IsActive = request.IsActive ?? true,
            CreatedBy = me.UserId,
            OwnerUserId = me.IsAgentOrAdmin ? null : me.UserId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Add(webhook);
        await db.SaveChangesAsync(cancellationToken);
        await changes.ChangedAsync(webhook.TenantId, CancellationToken.None);
        return TypedResults.Created($"/api/v1/webhooks/{webhook.Id}", WebhookResponse.From(webhook, now, secret));
    }

    private static Task<Results<PagedResult<WebhookResponse>, ErrorResult>> ListAsync(ParleyDb db, CurrentUser me, PageQuery query, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return ListSpec.ToPageAsync(Visible(db, me).AsNoTracking(), query, w => WebhookResponse.From(w, now), cancellationToken);
    }

    private static async Task<Results<Ok<WebhookResponse>, ErrorResult>> GetAsync(Guid id, ParleyDb db, CurrentUser me, TimeProvider clock, CancellationToken cancellationToken)
        => await Visible(db, me).AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, cancellationToken) is { } webhook
            ? TypedResults.Ok(WebhookResponse.From(webhook, clock.GetUtcNow().UtcDateTime))
            : ErrorResult.NotFound("Webhook");

    private static Task<Results<Ok<WebhookResponse>, ErrorResult>> UpdateAsync(
        Guid id, UpdateWebhookRequest request, ParleyDb db, CurrentUser me, OutboundGuard guard, SecretProtector protector, TenantChanges changes,
        TimeProvider clock, CancellationToken cancellationToken)
        => changes.UpdateAsync(
            db, Visible(db, me).Where(w => w.Id == id), "Webhook", webhook => Apply(webhook, request, guard, protector, clock),
            webhook => WebhookResponse.From(webhook, webhook.UpdatedAt), cancellationToken);

    private static ErrorResult? Apply(Webhook webhook, UpdateWebhookRequest request, OutboundGuard guard, SecretProtector protector, TimeProvider clock)
    {
        if (request.Url is not null && guard.CheckUrl(request.Url) is { } problem)
        {
            return ErrorResult.Validation("url", $"The URL {problem}.");
        }

        webhook.Url = request.Url?.Trim() ?? webhook.Url;
        webhook.Events = request.Events is null ? webhook.Events : JsonSerializer.Serialize(request.Events.Distinct().Order());
        webhook.Description = request.Description ?? webhook.Description;
        webhook.SecretProtected = request.Secret is null ? webhook.SecretProtected : protector.Protect(request.Secret);
        if (request.IsActive is { } active && active != webhook.IsActive)
        {
            webhook.IsActive = active;
            webhook.DisabledReason = active ? null : "disabled by an administrator";
            webhook.ConsecutiveFailures = 0;
            webhook.FailingSince = null;
            webhook.CircuitOpenUntil = null;
        }

        webhook.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        return null;
    }

    private static Task<Results<NoContent, ErrorResult>> DeleteAsync(Guid id, ParleyDb db, CurrentUser me, TenantChanges changes, CancellationToken cancellationToken)
        => changes.DeleteAsync(db, Visible(db, me).Where(w => w.Id == id), "Webhook", cancellationToken);

    /// <summary>A new generated secret, shown in this answer only; the old one stops signing at once.</summary>
    private static async Task<Results<Ok<WebhookResponse>, ErrorResult>> RotateSecretAsync(
        Guid id, ParleyDb db, CurrentUser me, SecretProtector protector, TimeProvider clock, CancellationToken cancellationToken)
    {
        var webhook = await Visible(db, me).FirstOrDefaultAsync(w => w.Id == id, cancellationToken);
        if (webhook is null)
        {
            return ErrorResult.NotFound("Webhook");
        }

        var secret = WebhookSignature.NewSecret();
        webhook.SecretProtected = protector.Protect(secret);
        webhook.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(WebhookResponse.From(webhook, webhook.UpdatedAt, secret));
    }

    private static async Task<Results<PagedResult<DeliveryResponse>, ErrorResult>> DeliveriesAsync(
        Guid id, ParleyDb db, CurrentUser me, PageQuery query, CancellationToken cancellationToken)
    {
        if (!await Visible(db, me).AnyAsync(w => w.Id == id, cancellationToken))
        {
            return ErrorResult.NotFound("Webhook");
        }

        return await DeliverySpec.ToPageAsync(db.Set<WebhookDelivery>().AsNoTracking().Where(d => d.WebhookId == id), query, DeliveryResponse.From, cancellationToken);
    }

    private static async Task<Results<Ok<DeliveryResponse>, ErrorResult>> DeliveryAsync(Guid id, Guid deliveryId, ParleyDb db, CurrentUser me, CancellationToken cancellationToken)
        => await db.Set<WebhookDelivery>().AsNoTracking()
            .FirstOrDefaultAsync(d => d.Id == deliveryId && d.WebhookId == id && Visible(db, me).Any(w => w.Id == id), cancellationToken) is { } delivery
            ? TypedResults.Ok(DeliveryResponse.From(delivery))
            : ErrorResult.NotFound("Delivery");

    /// <summary>Sends a delivery again (same body, same <c>webhook-id</c>, fresh signature), whatever its status; 409 while an attempt is in flight.</summary>
    private static async Task<Results<Accepted<DeliveryResponse>, ErrorResult>> RedeliverAsync(
        Guid id, Guid deliveryId, ParleyDb db, CurrentUser me, WebhookSignal signal, TimeProvider clock, CancellationToken cancellationToken)
    {
        var delivery = await db.Set<WebhookDelivery>()
            .FirstOrDefaultAsync(d => d.Id == deliveryId && d.WebhookId == id && Visible(db, me).Any(w => w.Id == id), cancellationToken);
        if (delivery is null)
        {
            return ErrorResult.NotFound("Delivery");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (delivery.LockedUntil > now)
        {
            return ErrorResult.Conflict("This delivery is being sent right now; try again when the attempt ends.");
        }

        if (!await db.Set<Webhook>().AnyAsync(w => w.Id == id && w.IsActive, cancellationToken))
        {
            return ErrorResult.Conflict("The endpoint is disabled; enable it (PUT is_active: true) before redelivering.");
        }

        delivery.Status = DeliveryStatus.Pending;
        delivery.NextAttemptAt = now;
        delivery.CompletedAt = null;
        delivery.LockedUntil = null;
        delivery.LockToken = null;
        await db.SaveChangesAsync(cancellationToken);
        signal.Wake();
        return TypedResults.Accepted($"/api/v1/webhooks/{id}/deliveries/{delivery.Id}", DeliveryResponse.From(delivery));
    }

    /// <summary>The webhooks the caller manages: the tenant's for agents and admins, a user's own otherwise (others answer 404).</summary>
    private static IQueryable<Webhook> Visible(ParleyDb db, CurrentUser me)
        => me.IsAgentOrAdmin ? db.Set<Webhook>() : db.Set<Webhook>().Where(w => w.OwnerUserId == me.UserId);
}
