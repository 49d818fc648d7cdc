using System.Text.Json;
using System.Text.Json.Serialization;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Events;
using Parley.Server.Infrastructure.Validation;

namespace Parley.Server.Webhooks;

/// <summary>The AI Assistant Platform document's <c>{url, events, secret}</c>; <c>secret</c> is generated when absent.</summary>
public sealed record CreateWebhookRequest(string? Url, string[]? Events, string? Secret, string? Description, bool? IsActive) : IValidatable
{
    public IEnumerable<FieldError> Validate()
        => WebhookRules.Url(Url, required: true).Concat(WebhookRules.Events(Events, required: true)).Concat(WebhookRules.Secret(Secret))
            .Concat(Check.MaxLength("description", Description, 500));
}

/// <summary>Every field optional; <c>secret</c> replaces the signing secret; <c>is_active: true</c> re-enables a disabled endpoint.</summary>
public sealed record UpdateWebhookRequest(string? Url, string[]? Events, string? Secret, string? Description, bool? IsActive) : IValidatable
{
    public IEnumerable<FieldError> Validate()
        => WebhookRules.Url(Url, required: false).Concat(WebhookRules.Events(Events, required: false)).Concat(WebhookRules.Secret(Secret))
            .Concat(Check.MaxLength("description", Description, 500));
}

internal static class WebhookRules
{
    public static IEnumerable<FieldError> Url(string? url, bool required)
    {
        if (url is null ? required : string.IsNullOrWhiteSpace(url) || url.Length > 2000)
        {
            yield return new FieldError("url", "Required: an absolute http or https URL of at most 2000 characters.");
        }
    }

    public static IEnumerable<FieldError> Events(string[]? events, bool required)
    {
        if (events is null)
        {
            if (required)
            {
                yield return new FieldError("events", "Required: a non-empty list of event names.");
            }

            yield break;
        }

        if (events.Length == 0 || events.Length > 50)
        {
            yield return new FieldError("events", "A non-empty list of event names.");
        }

        foreach (var name in events.Where(e => e is null || !EventTypes.All.Contains(e)).Distinct())
        {
            yield return new FieldError("events", $"Unknown event '{name}'. Allowed: {string.Join(", ", EventTypes.All.Order())}.");
        }
    }

    public static IEnumerable<FieldError> Secret(string? secret)
    {
        if (secret is not null && (secret.Length < 8 || secret.Length > 256 || secret.Any(char.IsWhiteSpace)))
        {
            yield return new FieldError("secret", "From 8 to 256 characters without spaces (whsec_<base64> recommended; omit it to have one generated).");
        }
    }
}

/// <summary>
/// A subscription as the API shows it. The secret is never shown again after creation or rotation:
/// <c>secret</c> is present only in those two answers, <c>has_secret</c> always. <c>circuit</c> is
/// <c>closed</c>, <c>open</c> (not attempted until <c>circuit_open_until</c>; deliveries wait) or
/// <c>half_open</c> (one probe at a time until one succeeds).
/// </summary>
public sealed record WebhookResponse(
    Guid Id, string Url, IReadOnlyList<string> Events, string? Description, bool IsActive, string Status, string? DisabledReason, bool HasSecret,
    int ConsecutiveFailures, DateTime? LastSuccessAt, string Circuit, DateTime? CircuitOpenUntil, DateTime CreatedAt, DateTime UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret)
{
    public static WebhookResponse From(Webhook w, DateTime now, string? secret = null)
        => new(w.Id, w.Url, [.. WebhookSubscriptions.ParseEvents(w.Events).Order()], w.Description, w.IsActive, w.IsActive ? "active" : "disabled", w.DisabledReason, true,
            w.ConsecutiveFailures, w.LastSuccessAt, CircuitState(w, now), w.CircuitOpenUntil, w.CreatedAt, w.UpdatedAt, secret);

    private static string CircuitState(Webhook w, DateTime now)
        => w.CircuitOpenUntil is not { } until ? "closed" : until > now ? "open" : "half_open";
}

/// <summary>One row of the delivery log.</summary>
public sealed record DeliveryResponse(
    Guid Id, Guid WebhookId, string EventId, string Event, string Status, int Attempts, int? ResponseCode, double? DurationMs, string? Error,
    DateTime? NextAttemptAt, DateTime? LastAttemptAt, DateTime CreatedAt, DateTime? CompletedAt, JsonElement Payload)
{
    public static DeliveryResponse From(WebhookDelivery d)
        => new(d.Id, d.WebhookId, d.EventId, d.EventType, d.Status, d.Attempts, d.ResponseStatus, d.DurationMs, d.LastError,
            d.Status == DeliveryStatus.Pending ? d.NextAttemptAt : null, d.LastAttemptAt, d.CreatedAt, d.CompletedAt, Parse(d.Payload));

    private static JsonElement Parse(string payload)
    {
        using var document = JsonDocument.Parse(payload);
        return document.RootElement.Clone();
    }
}
