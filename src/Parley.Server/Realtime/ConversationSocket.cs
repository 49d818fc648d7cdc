using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using Parley.Server.Auth;
using Parley.Server.ConversationModel;
using Parley.Server.Conversations;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.RateLimiting;

namespace Parley.Server.Realtime;

/// <summary>
/// One client on one conversation: it hears every stored message and passing event of the
/// conversation (from any instance), can resume from <c>?last_sequence=N</c>, and sends
/// <c>message</c> (a turn, streamed back as <c>agent_event</c>/<c>token</c>/<c>final</c>) and
/// <c>typing</c> frames.
/// </summary>
public sealed class ConversationSocket(
    SocketConnection connection,
    IServiceScopeFactory scopes,
    ConversationService conversations,
    ConversationEventHub hub,
    ConversationNotifier notifier,
    RequestBudgets budgets,
    CurrentUser me,
    Microsoft.Extensions.Options.IOptions<RealtimeOptions> options,
    IHttpContextAccessor http)
{
    // The user's own messages come back in the turn's answer; echoing them would duplicate them.
    private readonly ConcurrentDictionary<Guid, byte> _mine = new();

    public async Task RunAsync(Guid conversationId, CancellationToken cancellationToken)
    {
        var conversation = await conversations.FindAsync(conversationId, cancellationToken);
        if (conversation is null)
        {
            connection.SendError(ErrorCodes.NotFound, "Conversation not found.");
            await connection.CloseAsync(WebSocketCloseStatus.PolicyViolation, "not found");
            return;
        }

        // Inline: an event published during this socket's own turn (a route's tool_result) reaches the
        // outbox before the turn's next token does, so the client sees events in the order they happened.
        // The pump only filters, serialises and queues to the outbox (which never blocks).
        using var subscription = hub.Subscribe(conversation.TenantId, conversation.Id, inline: true, staff: me.IsAgentOrAdmin);
        connection.Send(new
        {
            type = "connection_established",
            session_id = conversation.Id,
            conversation_id = conversation.Id,
            sequence = conversation.LastSequence,
            status = conversation.Status,
            timestamp = DateTime.UtcNow,
        });

        var replayedUpTo = await ReplayAsync(conversation, cancellationToken);
        var pump = PumpAsync(subscription, replayedUpTo, cancellationToken);
        await notifier.SignalAsync(conversation, "presence", new { user_id = me.UserId, role = me.Role, status = "online" }, me.UserId, cancellationToken);
        try
        {
            while (connection.IsOpen && await connection.ReceiveAsync(cancellationToken) is { } frame)
            {
                await HandleAsync(conversation, frame, cancellationToken);
            }
        }
        finally
        {
            await notifier.SignalAsync(conversation, "presence", new { user_id = me.UserId, role = me.Role, status = "offline" }, me.UserId, CancellationToken.None);
            subscription.Dispose();
            await pump;
        }
    }

    /// <summary>
    /// Sends the stored messages after the client's last sequence a page at a time, each send waiting
    /// for room in the outbox, so any backlog up to <see cref="RealtimeOptions.MaxResumeMessages"/>
    /// arrives whole; returns the last sequence sent. Live events wait in the subscription meanwhile
    /// and the pump drops those the replay already sent.
    /// </summary>
    private async Task<int> ReplayAsync(Conversation conversation, CancellationToken cancellationToken)
    {
        var query = http.HttpContext?.Request.Query;
        var raw = query?["last_sequence"].ToString() is { Length: > 0 } value ? value : query?["after"].ToString();
        if (!int.TryParse(raw, out var after))
        {
            return int.MaxValue;
        }

        var settings = options.Value;
        var stall = TimeSpan.FromSeconds(settings.ReplayStallSeconds);
        var plan = Backlog.For(conversation, after, settings.MaxResumeMessages);
        if (plan.Resync is not null && !await connection.SendPacedAsync(plan.Resync, stall, cancellationToken))
        {
            return int.MaxValue;
        }

        var last = plan.From;
        await foreach (var message in Backlog.MessagesAsync(conversations, conversation.Id, plan.From, settings.ResumePageSize, cancellationToken))
        {
            if (!await connection.SendPacedAsync(SocketEvents.Message(ConversationEvent.ForMessage(message, null)), stall, cancellationToken))
            {
                break;
            }

            last = message.Sequence;
        }

        return last;
    }

    private async Task PumpAsync(ConversationEventHub.Subscription subscription, int replayedUpTo, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var e in subscription.Queue.Reader.ReadAllAsync(cancellationToken))
            {
                var duplicate = e.Type == "message" && ((replayedUpTo != int.MaxValue && e.Sequence <= replayedUpTo) || IsMine(e));
                if (!duplicate && !connection.Send(SocketEvents.ForConversation(e)))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (subscription.Overflowed)
        {
            await connection.CloseAsync(WebSocketCloseStatus.PolicyViolation, "Too slow: events dropped");
        }
    }

    private bool IsMine(ConversationEvent e)
        => e.Data.TryGetProperty("id", out var id) && Guid.TryParse(id.GetString(), out var messageId) && _mine.TryRemove(messageId, out _);

    private async Task HandleAsync(Conversation conversation, JsonElement frame, CancellationToken cancellationToken)
    {
        var type = frame.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var text = Text(frame, "content") ?? Text(frame, "message");
        switch (type)
        {
            case "ping":
                connection.Send(new { type = "pong", timestamp = DateTime.UtcNow });
                break;
            case "auth":
                break;
            case "typing":
                var typing = !frame.TryGetProperty("is_typing", out var flag) || flag.ValueKind != JsonValueKind.False;
                await notifier.SignalAsync(conversation, "typing", new { user_id = me.UserId, role = me.Role, is_typing = typing }, me.UserId, cancellationToken);
                break;
            case null or "message" when text is not null && me.IsAgentOrAdmin && conversation.UserId != me.UserId:
                await AgentReplyAsync(conversation.Id, text, cancellationToken);
                break;
            case null or "message" when text is not null:
                if (await OverChatBudgetAsync(cancellationToken))
                {
                    break;
                }

                await TurnAsync(conversation.Id, text, frame.TryGetProperty("metadata", out var metadata) ? metadata : null, cancellationToken);
                break;
            default:
                connection.SendError("BAD_FRAME", type is null or "message" ? "A message frame needs a non-empty \"content\" or \"message\"." : $"Unknown frame type '{type}'.");
                break;
        }
    }

    /// <summary>
    /// A socket turn spends the chat budget the REST chat endpoints spend (same counters), so a socket
    /// is no way around it. Over budget: an error frame with retry_after, and the socket stays open.
    /// </summary>
    private async Task<bool> OverChatBudgetAsync(CancellationToken cancellationToken)
    {
        var draw = await budgets.DrawAsync(RateLimitPolicies.Chat, me.UserId?.ToString(), http.HttpContext?.Connection.RemoteIpAddress, cancellationToken);
        if (draw is not { Allowed: false } refused)
        {
            return false;
        }

        connection.SendRetryLater(ErrorCodes.RateLimited, RateLimitMiddleware.ExceededMessage(refused, RateLimitPolicies.Chat), refused.RetryAfterSeconds);
        return true;
    }

    private async Task TurnAsync(Guid conversationId, string text, JsonElement? metadata, CancellationToken cancellationToken)
    {
        if (text.Length > MessageRules.MaxLength)
        {
            connection.SendError(ErrorCodes.Validation, $"Messages are limited to {MessageRules.MaxLength} characters.");
            return;
        }

        // Each turn gets its own scope (and database context) so the socket can live for hours.
        await using var scope = scopes.CreateAsyncScope();
        var (target, error) = await scope.ServiceProvider.GetRequiredService<ConversationService>().ForTurnAsync(conversationId, cancellationToken);
        using var held = target;
        if (target is null)
        {
            connection.SendError(error!.Code, error.Message);
            return;
        }

        var observer = new SocketTurnObserver(connection, conversationId, _mine);
        TurnResult turn;
        try
        {
            turn = await scope.ServiceProvider.GetRequiredService<TurnPipeline>().RunAsync(target, text, metadata, cancellationToken, observer);
        }
        catch (Plans.QuotaExceededException quota)
        {
            connection.SendError(Plans.QuotaExceededException.Code, quota.Message);
            return;
        }

        connection.Send(new
        {
            type = "final",
            content = "Response completed",
            response = turn.Answer.Text,
            sequence = (turn.BotMessage ?? turn.UserMessage).Sequence,
            timestamp = DateTime.UtcNow,
            metadata = new
            {
                session_id = conversationId,
                conversation_id = conversationId,
                message_id = turn.BotMessage?.Id,
                user_message_id = turn.UserMessage.Id,
                tokens_used = turn.Answer.TokensUsed,
                intent = turn.Understanding.Intent,
                confidence = turn.Answer.Confidence,
                citations = turn.Answer.Citations,
                redactions = turn.Redactions,
                escalation_needed = turn.EscalationNeeded,
                engine = turn.Answer.Engine,
                held_by_agent = turn.BotMessage is null,
            },
        });
    }

    /// <summary>An agent (or admin) writing in a customer's conversation speaks as the agent holding it, never as the customer.</summary>
    private async Task AgentReplyAsync(Guid conversationId, string text, CancellationToken cancellationToken)
    {
        if (text.Length > MessageRules.MaxLength)
        {
            connection.SendError(ErrorCodes.Validation, $"Messages are limited to {MessageRules.MaxLength} characters.");
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var conversation = await scope.ServiceProvider.GetRequiredService<ConversationService>().FindAsync(conversationId, cancellationToken);
        var (message, error) = conversation is null
            ? (null, ErrorResult.NotFound("Conversation"))
            : await scope.ServiceProvider.GetRequiredService<Handoff.HandoffService>().ReplyAsync(conversation, text, cancellationToken);
        if (message is null)
        {
            connection.SendError(error!.Code, error.Message);
        }
    }

    private static string? Text(JsonElement frame, string name)
        => frame.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString()) ? value.GetString() : null;

    /// <summary>Streams a turn to the socket that asked for it (Integration Platform's agent_event, token).</summary>
    private sealed class SocketTurnObserver(SocketConnection connection, Guid conversationId, ConcurrentDictionary<Guid, byte> mine) : ITurnObserver
    {
        public ValueTask ThinkingAsync(CancellationToken cancellationToken)
        {
            connection.Send(new
            {
                type = "agent_event",
                content = "thinking",
                metadata = new { event_type = "thinking", details = "Processing your request...", session_id = conversationId },
                timestamp = DateTime.UtcNow,
            });
            return ValueTask.CompletedTask;
        }

        public ValueTask UserMessageStoredAsync(Message message, CancellationToken cancellationToken)
        {
            mine.TryAdd(message.Id, 0);
            return ValueTask.CompletedTask;
        }

        public ValueTask ResetAsync(string reason, CancellationToken cancellationToken)
        {
            connection.Send(new { type = "agent_event", content = "stream_reset", metadata = new { event_type = "stream_reset", details = reason, session_id = conversationId }, timestamp = DateTime.UtcNow });
            return ValueTask.CompletedTask;
        }

        public ValueTask TokenAsync(string token, int index, CancellationToken cancellationToken)
        {
            connection.Send(new { type = "token", content = token, metadata = new { token_index = index, session_id = conversationId }, timestamp = DateTime.UtcNow });
            return ValueTask.CompletedTask;
        }
    }
}
