using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Infrastructure.Outbound;
using Parley.Server.Infrastructure.Secrets;
using Parley.Server.Storage;

namespace Parley.Server.Webhooks;

/// <summary>
/// Drains the outbox. Each pass claims due deliveries one row at a time with a conditional UPDATE
/// (status pending, no live lease) that sets a lease and this pass's token, so several instances
/// over one PostgreSQL never send the same attempt twice; a lease left by a dead instance expires
/// and the row is retried. Sends go through the SSRF-guarded outbound client (redirects are not
/// followed: a 3xx is a failure).
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
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = 0;
            try
            {
                sent = await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "A webhook delivery pass failed; retrying at the next poll");
            }

            if (sent == 0)
            {
                try
                {
                    await signal.WaitAsync(TimeSpan.FromMilliseconds(options.Value.PollIntervalMilliseconds), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Claims and sends what is due now; returns how many deliveries it attempted.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var token = Guid.NewGuid();
        var claimed = new List<Guid>();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
            var due = await db.Set<WebhookDelivery>().IgnoreQueryFilters().AsNoTracking()
                .Where(d => d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now && (d.LockedUntil == null || d.LockedUntil < now))
                .OrderBy(d => d.NextAttemptAt)
                .Select(d => d.Id)
                .Take(settings.BatchSize)
                .ToListAsync(cancellationToken);
            var lease = now.AddSeconds((settings.TimeoutSeconds * 2) + 30);
            foreach (var id in due)
            {
                var won = await db.Set<WebhookDelivery>().IgnoreQueryFilters()
                    .Where(d => d.Id == id && d.Status == DeliveryStatus.Pending && (d.LockedUntil == null || d.LockedUntil < now))
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.LockedUntil, lease).SetProperty(d => d.LockToken, token), cancellationToken);
                if (won == 1)
                {
                    claimed.Add(id);
                }
            }
        }

        await Task.WhenAll(claimed.Select(id => DeliverAsync(id, token, cancellationToken)));
        return claimed.Count;
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
            await webhooks.ExecuteUpdateAsync(s => s.SetProperty(w => w.ConsecutiveFailures, 0).SetProperty(w => w.FailingSince, (DateTime?)null)
                .SetProperty(w => w.LastSuccessAt, now), CancellationToken.None);
            Complete(delivery, DeliveryStatus.Succeeded, null);
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

        await db.SaveChangesAsync(CancellationToken.None);
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
