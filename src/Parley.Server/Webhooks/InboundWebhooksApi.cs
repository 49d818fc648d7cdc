using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;
using Parley.Server.ConversationModel;
using Parley.Server.Conversations;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Secrets;
using Parley.Server.Storage;

namespace Parley.Server.Webhooks;

public sealed record InboundWebhookResponse(Guid TenantId, string Url, bool HasSecret, DateTime? CreatedAt, int ToleranceSeconds, string Signature,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Secret);

public sealed record InboundMessageResponse(Guid ConversationId, Guid SessionId, Guid MessageId, Guid? BotMessageId, string Response, string Intent,
    double Confidence, bool EscalationNeeded, string? EscalationReason, string Status);

/// <summary>
/// Incoming webhooks (the Customer Care AI document): an external system (a mail gateway, a messaging bridge) posts a
/// customer message to <c>POST /webhooks/inbound/{tenant_id}/messages</c>, signed the Standard
/// Webhooks way with the tenant's inbound secret. The message then takes the normal turn: redacted,
/// classified, answered, events raised. An admin creates or rotates the secret (shown once).
/// </summary>
public static class InboundWebhooksApi
{
    public const int MaxBodyBytes = 64 * 1024;

    public static void MapInboundWebhooks(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/webhooks/inbound").WithTags("Webhooks").RequireAuthorization(AuthSetup.Policies.Admin);
        admin.MapGet("", GetAsync);
        admin.MapPost("/secret", RotateAsync);
        admin.MapDelete("/secret", DeleteAsync);
        api.MapPost("/webhooks/inbound/{tenantId:guid}/messages", ReceiveAsync).WithTags("Webhooks").AllowAnonymous();
    }

    private static async Task<Ok<InboundWebhookResponse>> GetAsync(ParleyDb db, CurrentUser me, IOptions<WebhookOptions> options, CancellationToken cancellationToken)
    {
        var secret = await db.Set<InboundWebhookSecret>().AsNoTracking().FirstOrDefaultAsync(s => s.TenantId == me.RequiredTenantId, cancellationToken);
        return TypedResults.Ok(Describe(me.RequiredTenantId, secret, options.Value, null));
    }

    private static async Task<Ok<InboundWebhookResponse>> RotateAsync(
        ParleyDb db, CurrentUser me, SecretProtector protector, IOptions<WebhookOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var plain = WebhookSignature.NewSecret();
        var secret = await db.Set<InboundWebhookSecret>().FirstOrDefaultAsync(s => s.TenantId == me.RequiredTenantId, cancellationToken);
        if (secret is null)
        {
            secret = new InboundWebhookSecret { TenantId = me.RequiredTenantId, SecretProtected = string.Empty };
            db.Add(secret);
        }

        secret.SecretProtected = protector.Protect(plain);
        secret.CreatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(Describe(me.RequiredTenantId, secret, options.Value, plain));
    }

    private static async Task<NoContent> DeleteAsync(ParleyDb db, CurrentUser me, CancellationToken cancellationToken)
    {
        await db.Set<InboundWebhookSecret>().Where(s => s.TenantId == me.RequiredTenantId).ExecuteDeleteAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static InboundWebhookResponse Describe(Guid tenantId, InboundWebhookSecret? secret, WebhookOptions options, string? plain)
        => new(tenantId, $"/api/v1/webhooks/inbound/{tenantId}/messages", secret is not null, secret?.CreatedAt, options.InboundToleranceSeconds,
            "Standard Webhooks: webhook-id, webhook-timestamp (unix seconds), webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>", plain);

    private static async Task<Results<Ok<InboundMessageResponse>, ErrorResult>> ReceiveAsync(
        Guid tenantId, HttpRequest request, ParleyDb db, CurrentUser me, SecretProtector protector, ConversationService conversations, TurnPipeline turns,
        IOptions<WebhookOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return ErrorResult.Status(413, $"The body may be at most {MaxBodyBytes} bytes.");
        }

        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            return ErrorResult.Status(413, $"The body may be at most {MaxBodyBytes} bytes.");
        }

        if (await VerifyAsync(tenantId, request.Headers, body, db, protector, options.Value, clock, cancellationToken) is { } refused)
        {
            return refused;
        }

        // Checked after the signature, so only the holder of the tenant's secret learns the tenant's state.
        if (!await Tenants.TenantGate.IsActiveAsync(db, tenantId, cancellationToken))
        {
            return ErrorResult.Forbidden(Tenants.TenantGate.Deactivated);
        }

        var (message, error) = InboundMessage.Parse(body);
        if (error is not null)
        {
            return error;
        }

        using var tenant = me.ActAsTenant(tenantId);
        var now = clock.GetUtcNow().UtcDateTime;
        // A receipt only has to outlive the timestamps it could be replayed with (the tolerance either
        // side of now): older ones are dropped as new ones arrive, so the table stays as small as the traffic of that window.
        var expired = now.AddSeconds(-2 * options.Value.InboundToleranceSeconds);
        await db.Set<InboundWebhookReceipt>().Where(r => r.TenantId == tenantId && r.ReceivedAt < expired).ExecuteDeleteAsync(cancellationToken);
        db.Add(new InboundWebhookReceipt { TenantId = tenantId, MessageId = request.Headers[WebhookSignature.IdHeader].ToString(), ReceivedAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return ErrorResult.Conflict("This webhook-id was already received; a replay is not accepted twice.");
        }

        TurnTarget? target;
        if (message!.ConversationId is { } id)
        {
            (target, var missing) = await conversations.ForTurnAsync(id, cancellationToken);
            if (missing is not null)
            {
                return missing;
            }
        }
        else
        {
            target = new TurnTarget(await conversations.StartAsync(null, message.Channel, message.CustomerId, metadata: message.Metadata, cancellationToken: cancellationToken), null);
        }

        var turn = await turns.RunAsync(target!, message.Text, message.Metadata, cancellationToken);
        return TypedResults.Ok(new InboundMessageResponse(turn.Conversation.Id, turn.Conversation.Id, turn.UserMessage.Id, turn.BotMessage?.Id, turn.BotMessage?.Content ?? string.Empty,
            turn.Understanding.Intent, turn.UserMessage.Confidence ?? 0, turn.EscalationNeeded, turn.EscalationReason, turn.Conversation.Status));
    }

    /// <summary>Null when the signature is good; otherwise the same 401 for every reason but staleness, so nothing leaks about tenants.</summary>
    private static async Task<ErrorResult?> VerifyAsync(
        Guid tenantId, IHeaderDictionary headers, string body, ParleyDb db, SecretProtector protector, WebhookOptions options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var id = headers[WebhookSignature.IdHeader].ToString();
        var timestampText = headers[WebhookSignature.TimestampHeader].ToString();
        var signature = headers[WebhookSignature.SignatureHeader].ToString();
        if (id.Length is 0 or > 200 || signature.Length == 0 || !long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
        {
            return ErrorResult.Unauthorized("Sign the request: webhook-id, webhook-timestamp and webhook-signature headers are required.");
        }

        if (Math.Abs(clock.GetUtcNow().ToUnixTimeSeconds() - timestamp) > options.InboundToleranceSeconds)
        {
            return ErrorResult.Unauthorized($"webhook-timestamp is more than {options.InboundToleranceSeconds} s from now; refused as stale.");
        }

        var stored = await db.Set<InboundWebhookSecret>().IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(s => s.TenantId == tenantId, cancellationToken);
        var secret = protector.Unprotect(stored?.SecretProtected);
        return secret is not null && WebhookSignature.Verify(secret, id, timestamp, body, signature)
            ? null
            : ErrorResult.Unauthorized("The webhook signature is not valid.");
    }

    private static async Task<string?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}

/// <summary>The body of an incoming message: <c>message</c> (or <c>content</c>/<c>text</c>), optional <c>conversation_id</c>/<c>session_id</c>, <c>customer_id</c>, <c>channel</c>, <c>metadata</c>.</summary>
internal sealed record InboundMessage(string Text, Guid? ConversationId, string? CustomerId, string Channel, JsonElement? Metadata)
{
    public static (InboundMessage? Message, ErrorResult? Error) Parse(string body)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return (null, ErrorResult.BadRequest("The request body is not valid JSON."));
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, ErrorResult.Validation("body", "A JSON object is required."));
        }

        var errors = new List<FieldError>();
        string? text = null;
        foreach (var name in new[] { "message", "content", "text" })
        {
            if (root.TryGetProperty(name, out var value))
            {
                text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                errors.AddRange(value.ValueKind == JsonValueKind.String ? MessageRules.Text(name, text) : [new FieldError(name, "Must be a string.")]);
                break;
            }
        }

        if (text is null && errors.Count == 0)
        {
            errors.Add(new FieldError("message", "Field required."));
        }

        Guid? conversationId = null;
        foreach (var name in new[] { "conversation_id", "session_id" })
        {
            if (root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                if (value.ValueKind == JsonValueKind.String && Guid.TryParse(value.GetString(), out var parsed))
                {
                    conversationId = parsed;
                }
                else
                {
                    errors.Add(new FieldError(name, "Must be a conversation id (UUID)."));
                }
            }
        }

        var customerId = Optional(root, "customer_id", 200, errors);
        var channel = Optional(root, "channel", 20, errors) ?? Channels.Api;
        if (!Channels.All.Contains(channel))
        {
            errors.Add(new FieldError("channel", $"One of: {string.Join(", ", Channels.All)}."));
        }

        JsonElement? metadata = null;
        if (root.TryGetProperty("metadata", out var meta) && meta.ValueKind != JsonValueKind.Null)
        {
            if (meta.ValueKind == JsonValueKind.Object)
            {
                metadata = meta;
            }
            else
            {
                errors.Add(new FieldError("metadata", "Must be an object."));
            }
        }

        return errors.Count > 0
            ? (null, ErrorResult.Validation(errors))
            : (new InboundMessage(text!, conversationId, customerId, channel, metadata), null);
    }

    private static string? Optional(JsonElement root, string name, int maxLength, List<FieldError> errors)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || value.GetString()!.Length > maxLength)
        {
            errors.Add(new FieldError(name, $"A string of at most {maxLength} characters."));
            return null;
        }

        return value.GetString();
    }
}
