using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;
using Parley.Server.ConversationModel;
using Parley.Server.Conversations;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.RateLimiting;
using Parley.Server.Storage;

namespace Parley.Server.Realtime;

/// <summary>
/// Server-sent events for plain HTTP clients: <c>POST /chat/stream</c> streams one turn
/// (<c>agent_event</c>, <c>token</c>…, <c>final</c>), and <c>GET /conversations/{id}/events</c>
/// follows a conversation, resuming after <c>Last-Event-ID</c> (the last sequence seen).
/// </summary>
public static class StreamingApi
{
    public static RouteGroupBuilder MapStreaming(this RouteGroupBuilder api)
    {
        api.MapPost("/chat/stream", StreamTurnAsync).RequireRateLimit(RateLimitPolicies.Chat).WithTags("Chat").AllowVisitors();
        api.MapGet("/conversations/{id:guid}/events", FollowAsync).WithTags("Conversations").AllowVisitors();
        return api;
    }

    private static async Task<Results<ServerSentEventsResult<object>, ErrorResult>> StreamTurnAsync(
        ChatMessageRequest request, ConversationService conversations, TurnPipeline turns, ParleyDb db, ILoggerFactory loggers, Auth.CurrentUser me, CancellationToken cancellationToken)
    {
        if (me.Role == Users.Roles.Visitor && !Guid.TryParse(request.SessionId, out _))
        {
            // A visitor's conversations are the widget channel's, started there; never a new one of channel "web".
            return ErrorResult.Validation("session_id", "A widget visitor streams into a conversation started with POST /widget/{website_token}/conversations.");
        }

        var (target, error) = await conversations.ForSessionTurnAsync(request.SessionId, cancellationToken);
        if (target is null)
        {
            return error!;
        }

        // The SSE writer runs on the turn's thread when it is waiting, so a token is flushed as soon as it
        // exists (decision 0009); 1,024 events wait for a slow client, then the turn waits.
        var events = Channel.CreateBounded<SseItem<object>>(new BoundedChannelOptions(1024) { SingleReader = true, AllowSynchronousContinuations = true });
        var observer = new ChannelObserver(events.Writer, target.Conversation.Id);
        var run = RunTurnAsync(turns, target, request, observer, events.Writer, ChatApi.DatabaseName(db), loggers.CreateLogger(typeof(StreamingApi)), cancellationToken);
        return TypedResults.ServerSentEvents(Drain(events.Reader, run, cancellationToken));
    }

    private static async Task RunTurnAsync(TurnPipeline turns, TurnTarget target, ChatMessageRequest request, ChannelObserver observer,
        ChannelWriter<SseItem<object>> writer, string database, ILogger logger, CancellationToken cancellationToken)
    {
        using var held = target;
        var conversation = target.Conversation;
        try
        {
            var turn = await turns.RunAsync(target, request.Message!, request.Metadata, cancellationToken, observer);
            var final = TurnResponse.From(turn, database);
            await writer.WriteAsync(new SseItem<object>(final, "final") { EventId = (turn.BotMessage ?? turn.UserMessage).Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) }, cancellationToken);
            writer.TryComplete();
        }
        catch (Exception e)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                logger.LogError(e, "Streamed turn failed in conversation {ConversationId}", conversation.Id);
            }

            writer.TryComplete(e);
        }
    }

    private static async IAsyncEnumerable<SseItem<object>> Drain(ChannelReader<SseItem<object>> reader, Task run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var failed = false;
        while (!failed)
        {
            SseItem<object> item = default;
            var got = false;
            try
            {
                got = await reader.WaitToReadAsync(cancellationToken) && reader.TryRead(out item);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed = true;
            }

            if (failed)
            {
                // The response has started: the failure travels as an event, not a status code.
                yield return new SseItem<object>(new { type = "error", error = new { code = ErrorCodes.Internal, message = "The turn could not be completed." } }, "error");
            }
            else if (!got)
            {
                break;
            }
            else
            {
                yield return item;
            }
        }

        await run.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private static async Task<Results<ServerSentEventsResult<object>, ErrorResult>> FollowAsync(
        Guid id, ConversationService conversations, ConversationEventHub hub, IOptions<RealtimeOptions> options, HttpContext http, CancellationToken cancellationToken)
    {
        if (await conversations.FindAsync(id, cancellationToken) is not { } conversation)
        {
            return ErrorResult.NotFound("Conversation");
        }

        var after = int.TryParse(http.Request.Headers["Last-Event-ID"].ToString(), out var last) ? last
            : int.TryParse(http.Request.Query["last_sequence"].ToString(), out var fromQuery) ? fromQuery : conversation.LastSequence;
        var subscription = hub.Subscribe(conversation.TenantId, conversation.Id);
        var plan = Backlog.For(conversation, after, options.Value.MaxResumeMessages);
        return TypedResults.ServerSentEvents(Follow(http.Response, subscription, conversations, conversation.Id, plan, options.Value.ResumePageSize, cancellationToken));
    }

    /// <summary>
    /// The missed messages a page at a time (the response writer pulls the next one only when the
    /// last is written), then live events without the ones the replay already sent. The headers go out
    /// first, before any event: a follower with nothing to replay is connected at once (a browser's
    /// EventSource fires <c>open</c> only when it has them; until then the widget shows "reconnecting").
    /// </summary>
    private static async IAsyncEnumerable<SseItem<object>> Follow(HttpResponse response, ConversationEventHub.Subscription subscription, ConversationService conversations,
        Guid conversationId, Backlog.Plan plan, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (subscription)
        {
            await response.Body.FlushAsync(cancellationToken);
            if (plan.Resync is not null)
            {
                yield return new SseItem<object>(plan.Resync, "resync_required");
            }

            var after = plan.From;
            await foreach (var message in Backlog.MessagesAsync(conversations, conversationId, plan.From, pageSize, cancellationToken))
            {
                after = message.Sequence;
                yield return Item(ConversationEvent.ForMessage(message, null));
            }

            await foreach (var e in subscription.Queue.Reader.ReadAllAsync(cancellationToken))
            {
                if (e.Type != "message" || e.Sequence > after)
                {
                    yield return Item(e);
                }
            }
        }
    }

    private static SseItem<object> Item(ConversationEvent e)
        => new(SocketEvents.ForConversation(e), e.Type) { EventId = e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    private sealed class ChannelObserver(ChannelWriter<SseItem<object>> writer, Guid conversationId) : ITurnObserver
    {
        public ValueTask ThinkingAsync(CancellationToken cancellationToken)
            => writer.WriteAsync(new SseItem<object>(new { type = "agent_event", content = "thinking", metadata = new { event_type = "thinking", session_id = conversationId } }, "agent_event"), cancellationToken);

        public ValueTask ResetAsync(string reason, CancellationToken cancellationToken)
            => writer.WriteAsync(new SseItem<object>(new { type = "reset", reason, metadata = new { session_id = conversationId } }, "reset"), cancellationToken);

        public ValueTask TokenAsync(string token, int index, CancellationToken cancellationToken)
            => writer.WriteAsync(new SseItem<object>(new { type = "token", content = token, metadata = new { token_index = index, session_id = conversationId } }, "token"), cancellationToken);
    }
}
