using Microsoft.EntityFrameworkCore;
using Parley.Server.ConversationModel;
using Parley.Server.Knowledge;
using Parley.Server.Storage;
using Parley.Server.Tools;
using Parley.Server.Understanding;

namespace Parley.Server.Conversations;

/// <summary>What the answer stage needs to know about the turn.</summary>
public sealed record AnswerRequest(
    Conversation Conversation,
    string RedactedText,
    MessageUnderstanding Understanding,
    IReadOnlyList<Passage> Passages,
    bool Escalating,
    bool PersonComing,
    Assistants.Assistant Assistant);

/// <summary>An answer and whether it came from the response cache.</summary>
public sealed record AnswerOutcome(Answer Answer, bool Cached);

/// <summary>
/// The answer stage of a chat turn: a matching tool route (built-in engine), else a cached answer,
/// else the configured generator streamed token by token (the built-in engine answers if it fails).
/// </summary>
public sealed class TurnAnswers(
    ParleyDb db,
    ConversationQueries queries,
    RecentMessages recentMessages,
    IAnswerGenerator generator,
    BuiltInAnswerEngine builtIn,
    ResponseCache cache,
    IToolRouting tools,
    ILogger<TurnAnswers> logger)
{
    public async Task<AnswerOutcome> AnswerAsync(AnswerRequest request, ITurnObserver? observer, CancellationToken cancellationToken)
    {
        var (conversation, text) = (request.Conversation, request.RedactedText);
        // The built-in engine runs a tool when an intent route matches (an LLM chooses tools itself).
        var builtInEngine = generator is BuiltInAnswerGenerator;
        var routed = !request.Escalating && builtInEngine ? await tools.TryRouteAsync(conversation, request.Understanding, text, cancellationToken) : null;
        // Answers that depend on the conversation so far (an LLM reads the history) or on live tool data are not reusable.
        // Nor are answers while a person is on the way (they say so; cached ones may offer a person).
        var cacheable = !request.Escalating && !request.PersonComing && !generator.UsesHistory && routed is null;
        // Keyed by the passages too: earlier turns can change what is found for the same words.
        var cacheKey = ResponseCache.Question(text, request.Passages);
        var cached = cacheable ? cache.Find(conversation.TenantId, conversation.AssistantId, cacheKey) : null;
        if ((routed ?? cached) is { } ready)
        {
            await StreamAsync(observer, ready.Text, cancellationToken);
            return new AnswerOutcome(ready, cached is not null);
        }

        var history = generator.HistoryMessages > 0 ? await RecentHistoryAsync(conversation, generator.HistoryMessages, cancellationToken) : [];
        var toolSession = !request.Escalating && !builtInEngine
            ? await tools.SessionAsync(conversation, Assistants.AssistantView.Strings(request.Assistant.Tools), cancellationToken)
            : null;
        var answer = await GenerateAsync(new AnswerContext(conversation, history, text, request.Understanding, request.Passages, request.Escalating,
            Assistants.AssistantDirectory.Overrides(request.Assistant), toolSession), observer, cancellationToken);
        if (cacheable)
        {
            cache.Store(conversation.TenantId, conversation.AssistantId, cacheKey, answer);
        }

        return new AnswerOutcome(answer, false);
    }

    /// <summary>Streams the configured generator; if it fails, the built-in engine answers and says so.</summary>
    private async Task<Answer> GenerateAsync(AnswerContext context, ITurnObserver? observer, CancellationToken cancellationToken)
    {
        var index = 0;
        try
        {
            await foreach (var chunk in generator.GenerateAsync(context, cancellationToken))
            {
                if (chunk.Final is { } final)
                {
                    return final;
                }

                if (chunk.Token is { } token && observer is not null)
                {
                    await observer.TokenAsync(token, ++index, cancellationToken);
                }
            }

            throw new InvalidOperationException("The answer generator ended without a final answer.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Answer generator failed for conversation {ConversationId}; answering with the built-in engine", context.Conversation.Id);
            var fallback = builtIn.Answer(context.Understanding, context.Passages, context.Escalating, BuiltInAnswerEngine.PersonComing(context.Conversation));
            if (index > 0 && observer is not null)
            {
                await observer.ResetAsync("provider_failed_mid_stream", cancellationToken);
            }

            await StreamAsync(observer, fallback.Text, cancellationToken);

            return fallback with
            {
                Metadata = new Dictionary<string, object?>(fallback.Metadata) { ["fallback"] = true, ["fallback_reason"] = e.GetType().Name },
            };
        }
    }

    /// <summary>Sends a whole answer to the observer as the tokens a generator would have streamed.</summary>
    public static async Task StreamAsync(ITurnObserver? observer, string text, CancellationToken cancellationToken)
    {
        if (observer is null)
        {
            return;
        }

        var index = 0;
        foreach (var token in Tokens.Split(text))
        {
            await observer.TokenAsync(token, ++index, cancellationToken);
        }
    }

    private async Task<IReadOnlyList<Message>> RecentHistoryAsync(Conversation conversation, int count, CancellationToken cancellationToken)
    {
        if (recentMessages.Find(conversation.Id, conversation.LastSequence, count) is { } held)
        {
            return held;
        }

        var recent = await queries.Recent(db, conversation.Id, count).ToListAsync(cancellationToken);
        recent.Reverse();
        recentMessages.Store(conversation.Id, conversation.LastSequence, count, recent);
        return recent;
    }
}
