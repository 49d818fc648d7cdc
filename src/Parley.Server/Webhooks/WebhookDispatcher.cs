using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Infrastructure.Outbound;
using Parley.Server.Infrastructure.Secrets;
using Parley.Server.Storage;
using Parley.Server.Tenants;

namespace Parley.Server.Webhooks;

/// <summary>
/// Drains the outbox, keeping up to <see cref="WebhookOptions.BatchSize"/> deliveries in flight and
/// handing each free slot out fairly (<see cref="WebhookFairShare"/>): round-robin across tenants and
/// their endpoints, with caps per tenant and per endpoint, so one tenant's slow or dead endpoints
/// cannot delay another tenant's deliveries. A row is claimed with a conditional UPDATE (status
/// pending, no live lease) that sets a lease and this pass's token, so several instances over one
/// PostgreSQL never send the same attempt twice; a lease left by a dead instance expires and the
/// row is retried. An endpoint that keeps failing has its circuit opened (<see cref="Webhook.CircuitOpenUntil"/>):
/// its deliveries stay pending, pushed back, until a probe after the cool-off succeeds; a deactivated
/// tenant's deliveries stay pending, unclaimed, until it is reactivated. Sends go
/// through the SSRF-guarded outbound client (redirects are not followed: a 3xx is a failure).
/// </summary>
public sealed class WebhookDispatcher(
    IServiceScopeFactory scopes,
    IHttpClientFactory httpClients,
    SecretProtector secrets,
    WebhookSignal signal,
    Infrastructure.Caching.TenantChanges changes,
    IOptions<WebhookOptions> options,
    TimeProvider clock,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private sealed record InFlight(Task Task, Guid TenantId, Guid WebhookId);

    private readonly WebhookFairShare _fairShare = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var inFlight = new List<InFlight>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                inFlight.RemoveAll(f => f.Task.IsCompleted);
                var free = options.Value.BatchSize - inFlight.Count;
                if (free > 0)
                {
                    try
                    {
                        await ClaimAsync(free, inFlight, stoppingToken);
                    }
                    catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (Exception e)
                    {
                        logger.LogError(e, "Claiming webhook deliveries failed; retrying at the next poll");
                    }
                }

                await WaitAsync(inFlight, stoppingToken);
            }
        }
        finally
        {
            // Sends observe the stopping token; an attempt cut short keeps its lease and is sent again later.
            await Task.WhenAll(inFlight.Select(f => f.Task));
        }
    }

    /// <summary>Until a delivery ends (its slot is free), new deliveries are stored here, or the poll interval passes.</summary>
    private async Task WaitAsync(List<InFlight> inFlight, CancellationToken stoppingToken)
    {
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var woken = signal.WaitAsync(TimeSpan.FromMilliseconds(options.Value.PollIntervalMilliseconds), stopWaiting.Token);
        if (inFlight.Count > 0)
        {
            await Task.WhenAny(woken, Task.WhenAny(inFlight.Select(f => f.Task)));

            // Only a freed slot ends the wait early: cancelling with nothing in flight made the worker
            // read the outbox in a loop, taking CPU from every chat turn.
            await stopWaiting.CancelAsync();
        }

        try
        {
            await woken;
        }
        catch (OperationCanceledException)
        {
            // A slot came free first, or the host is stopping (the loop checks).
        }
    }

    /// <summary>Claims up to <paramref name="free"/> due deliveries, shared fairly, and starts sending them.</summary>
    private async Task ClaimAsync(int free, List<InFlight> inFlight, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var token = Guid.NewGuid();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        // A deactivated tenant's deliveries are parked (left pending, not attempted) and go out if it is reactivated.
        var open = db.Set<Webhook>().IgnoreQueryFilters().Where(w => w.CircuitOpenUntil == null || w.CircuitOpenUntil <= now)
            .Where(w => db.Set<Tenant>().IgnoreQueryFilters().Any(t => t.Id == w.TenantId && t.IsActive));
        var due = await db.Set<WebhookDelivery>().IgnoreQueryFilters().AsNoTracking()
            .Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now && (d.LockedUntil == null || d.LockedUntil < now))
            .Join(open, d => d.WebhookId, w => w.Id, (d, w) => new { d.TenantId, d.WebhookId, HalfOpen = w.CircuitOpenUntil != null, d.NextAttemptAt })
            .GroupBy(d => new { d.TenantId, d.WebhookId, d.HalfOpen })
            .Select(g => new WebhookFairShare.Due(g.Key.TenantId, g.Key.WebhookId, g.Key.HalfOpen, g.Count(), g.Min(d => d.NextAttemptAt)))
            .ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return;
        }

        var tenantInFlight = inFlight.GroupBy(f => f.TenantId).ToDictionary(g => g.Key, g => g.Count());
        var endpointInFlight = inFlight.GroupBy(f => f.WebhookId).ToDictionary(g => g.Key, g => g.Count());
        var lease = now.AddSeconds((settings.TimeoutSeconds * 2) + 30);
        foreach (var (endpoint, slots) in _fairShare.Plan(due, free, tenantInFlight, endpointInFlight, settings))
        {
            var ids = await db.Set<WebhookDelivery>().IgnoreQueryFilters().AsNoTracking()
                .Where(d => d.WebhookId == endpoint.WebhookId && d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now && (d.LockedUntil == null || d.LockedUntil < now))
                .OrderBy(d => d.NextAttemptAt)
                .Select(d => d.Id)
                .Take(slots)
                .ToListAsync(cancellationToken);
            foreach (var id in ids)
            {
                var won = await db.Set<WebhookDelivery>().IgnoreQueryFilters()
                    .Where(d => d.Id == id && d.Status == DeliveryStatus.Pending && (d.LockedUntil == null || d.LockedUntil < now))
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.LockedUntil, lease).SetProperty(d => d.LockToken, token), cancellationToken);
                if (won == 1)
                {
                    inFlight.Add(new InFlight(DeliverAsync(id, token, cancellationToken), endpoint.TenantId, endpoint.WebhookId));
                }
            }
        }
    }

    private async Task DeliverAsync(Guid id, Guid token, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
            var delivery = await db.Set<WebhookDelivery>().IgnoreQueryFilters().FirstOrDefaultAsync(d => d.Id == id && d.LockToken == token, cancellationToken);
            if (delivery is null)
            {
                return;
            }

            var webhook = await db.Set<Webhook>().IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(w => w.Id == delivery.WebhookId, cancellationToken);
            var secret = webhook is null ? null : secrets.Unprotect(webhook.SecretProtected);
            if (webhook is not { IsActive: true } || secret is null)
            {
                Complete(delivery, DeliveryStatus.Failed, webhook is { IsActive: true } ? "the signing secret cannot be read; set a new one" : "endpoint disabled");
                await db.SaveChangesAsync(CancellationToken.None);
                return;
            }

            var (status, error, elapsed) = await SendAsync(webhook.Url, secret, delivery, cancellationToken);
            await RecordAsync(db, webhook, delivery, status, error, elapsed);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the lease expires and another pass (here or elsewhere) sends it.
        }
        catch (Exception e)
        {
            logger.LogError(e, "Webhook delivery {DeliveryId} failed unexpectedly", id);
        }
    }

    private async Task<(int? Status, string? Error, double Milliseconds)> SendAsync(string url, string secret, WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation(WebhookSignature.IdHeader, delivery.EventId);
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, delivery.EventId, timestamp, delivery.Payload));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await httpClients.CreateClient(OutboundHttp.ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            var error = status switch
            {
                >= 200 and < 300 => null,
                >= 300 and < 400 => $"redirect ({status}) not followed",
                _ => $"endpoint answered {status}",
            };
            return (status, error, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, OutboundHttp.Describe(e), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private async Task RecordAsync(ParleyDb db, Webhook webhook, WebhookDelivery delivery, int? status, string? error, double milliseconds)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        delivery.Attempts++;
        delivery.LastAttemptAt = now;
        delivery.ResponseStatus = status;
        delivery.DurationMs = Math.Round(milliseconds, 1);
        delivery.LastError = error;
        // The endpoint's record changes before the delivery's, so whoever sees the delivery's outcome sees the endpoint's too.
        var webhooks = db.Set<Webhook>().IgnoreQueryFilters().Where(w => w.Id == webhook.Id);
        if (error is null)
        {
            var closed = await webhooks.Where(w => w.CircuitOpenUntil != null)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.CircuitOpenUntil, (DateTime?)null), CancellationToken.None);
            await webhooks.ExecuteUpdateAsync(s => s.SetProperty(w => w.ConsecutiveFailures, 0).SetProperty(w => w.FailingSince, (DateTime?)null)
                .SetProperty(w => w.LastSuccessAt, now), CancellationToken.None);
            Complete(delivery, DeliveryStatus.Succeeded, null);
            if (closed == 1)
            {
                // The endpoint is back: what its circuit parked is due now, not at the end of the cool-off.
                await db.Set<WebhookDelivery>().IgnoreQueryFilters()
                    .Where(d => d.WebhookId == webhook.Id && d.Id != delivery.Id && d.Status == DeliveryStatus.Pending && d.LockToken == null && d.NextAttemptAt > now)
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, now), CancellationToken.None);
                logger.LogInformation("Webhook {WebhookId} answered again: circuit closed", webhook.Id);
                db.AfterSave(signal.Wake);
            }

            await db.SaveChangesAsync(CancellationToken.None);
            return;
        }

        if (status == StatusCodes.Status410Gone || delivery.Attempts >= settings.MaxAttempts)
        {
            Complete(delivery, DeliveryStatus.Failed, error);
        }
        else
        {
            delivery.LockedUntil = null;
            delivery.LockToken = null;
            delivery.NextAttemptAt = now + settings.Backoff(delivery.Attempts, Random.Shared.NextDouble());
        }

        await webhooks.ExecuteUpdateAsync(s => s.SetProperty(w => w.ConsecutiveFailures, w => w.ConsecutiveFailures + 1)
            .SetProperty(w => w.FailingSince, w => w.FailingSince ?? now), CancellationToken.None);
        var reason = status == StatusCodes.Status410Gone
            ? "the endpoint answered 410 Gone"
            : $"{settings.DisableAfterConsecutiveFailures} failed attempts in a row or failing for {settings.DisableAfterFailingHours} h";
        var failingSince = now.AddHours(-settings.DisableAfterFailingHours);
        var disabled = await webhooks
            .Where(w => w.IsActive && (status == StatusCodes.Status410Gone || w.ConsecutiveFailures >= settings.DisableAfterConsecutiveFailures || w.FailingSince <= failingSince))
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.IsActive, false).SetProperty(w => w.DisabledReason, reason).SetProperty(w => w.UpdatedAt, now), CancellationToken.None);
        if (disabled == 1)
        {
            logger.LogWarning("Webhook {WebhookId} disabled: {Reason}", webhook.Id, reason);
            await changes.ChangedAsync(webhook.TenantId, CancellationToken.None);
            if (delivery.Status == DeliveryStatus.Pending)
            {
                Complete(delivery, DeliveryStatus.Failed, error + "; endpoint disabled");
            }

            await db.Set<WebhookDelivery>().IgnoreQueryFilters()
                .Where(d => d.WebhookId == webhook.Id && d.Id != delivery.Id && d.Status == DeliveryStatus.Pending && d.LockToken == null)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DeliveryStatus.Failed).SetProperty(d => d.LastError, "endpoint disabled")
                    .SetProperty(d => d.CompletedAt, now), CancellationToken.None);
        }
        else if (await webhooks.Select(w => (int?)w.ConsecutiveFailures).FirstOrDefaultAsync(CancellationToken.None) is { } failures
            && failures >= settings.CircuitBreakAfterFailures)
        {
            await OpenCircuitAsync(db, webhook, delivery, failures, now);
        }

        await db.SaveChangesAsync(CancellationToken.None);
        if (delivery.Status == DeliveryStatus.Pending)
        {
            // A sibling attempt may have opened the circuit while this row was still leased (and so
            // skipped by its push): park this one too. Either that push or this read sees the other's write.
            var openUntil = await webhooks.Select(w => w.CircuitOpenUntil).FirstOrDefaultAsync(CancellationToken.None);
            await db.Set<WebhookDelivery>().IgnoreQueryFilters()
                .Where(d => d.Id == delivery.Id && d.Status == DeliveryStatus.Pending && d.LockToken == null && d.NextAttemptAt < openUntil)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, openUntil!.Value), CancellationToken.None);
        }
    }

    /// <summary>
    /// Parks a failing endpoint: no attempts until the cool-off ends (it grows with each failed
    /// probe), and its pending deliveries' next attempt is pushed back to then. Nothing is dropped and
    /// no attempt is counted for the wait; the disabling rules above still apply to the streak.
    /// </summary>
    private async Task OpenCircuitAsync(ParleyDb db, Webhook webhook, WebhookDelivery delivery, int failures, DateTime now)
    {
        var openUntil = now + options.Value.CircuitCoolOff(failures);
        var opened = await db.Set<Webhook>().IgnoreQueryFilters()
            .Where(w => w.Id == webhook.Id && w.IsActive && (w.CircuitOpenUntil == null || w.CircuitOpenUntil < openUntil))
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.CircuitOpenUntil, openUntil), CancellationToken.None);
        if (opened == 0)
        {
            return;
        }

        logger.LogWarning("Webhook {WebhookId} failed {Failures} attempts in a row: circuit open until {OpenUntil}", webhook.Id, failures, openUntil);
        if (delivery.Status == DeliveryStatus.Pending && delivery.NextAttemptAt < openUntil)
        {
            delivery.NextAttemptAt = openUntil;
        }

        await db.Set<WebhookDelivery>().IgnoreQueryFilters()
            .Where(d => d.WebhookId == webhook.Id && d.Id != delivery.Id && d.Status == DeliveryStatus.Pending && d.LockToken == null && d.NextAttemptAt < openUntil)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, openUntil), CancellationToken.None);
    }

    private void Complete(WebhookDelivery delivery, string status, string? error)
    {
        delivery.Status = status;
        delivery.LastError = error;
        delivery.CompletedAt = clock.GetUtcNow().UtcDateTime;
        delivery.LockedUntil = null;
        delivery.LockToken = null;
    }
}
