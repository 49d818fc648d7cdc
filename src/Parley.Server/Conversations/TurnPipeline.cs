using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;
using Parley.Server.Knowledge;
using Parley.Server.Storage;
using Parley.Server.Understanding;

namespace Parley.Server.Conversations;

/// <summary>
/// One customer message in, one answer out, in the order the issue fixes: redaction (before
/// anything is stored, logged or sent anywhere) → intent, confidence, entities → retrieval →
/// answer → escalation decision → both messages stored in one transaction → metrics.
/// Turns in one conversation run one at a time, in arrival order.
/// </summary>
public sealed class TurnPipeline(
    ParleyDb db,
    CurrentUser me,
    ConversationService conversations,
    ConversationQueries queries,
    RecentMessages recentMessages,
    MessageAnalyzer analyzer,
    TenantUnderstanding tenantUnderstanding,
    IKnowledgeSearch knowledge,
    IAnswerGenerator generator,
    BuiltInAnswerEngine builtIn,
    ConversationLocks locks,
    ResponseCache cache,
    WriteGate writes,
    ChatMetrics metrics,
    Realtime.ConversationNotifier notifier,
    Assistants.AssistantDirectory assistants,
    Handoff.HandoffService handoff,
    Infrastructure.Events.DomainEvents events,
    Tools.ToolTurns tools,
    IOptions<ConversationOptions> options,
    Quotas.UsageMeter usage,
    TimeProvider clock,
    ILogger<TurnPipeline> logger)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Runs a turn in a conversation that is not locked yet (a new one): the turn takes its lock and re-reads it.</summary>
    public Task<TurnResult> RunAsync(Conversation conversation, string text, JsonElement? metadata, CancellationToken cancellationToken, ITurnObserver? observer = null)
        => RunAsync(new TurnTarget(conversation, null), text, metadata, cancellationToken, observer);

    /// <summary>Runs a turn in <paramref name="target"/>; a lock it holds is released when the turn ends.</summary>
    public async Task<TurnResult> RunAsync(TurnTarget target, string text, JsonElement? metadata, CancellationToken cancellationToken, ITurnObserver? observer = null)
    {
        using var held = target;
        var conversation = target.Conversation;
        var started = Stopwatch.GetTimestamp();
        var settings = options.Value;
        if (await usage.CheckAsync(conversation.TenantId, Quotas.UsageMetrics.Messages, cancellationToken) is { } overQuota)
        {
            throw overQuota;
        }

        var profile = await tenantUnderstanding.ForTenantAsync(conversation.TenantId, cancellationToken);
        var redaction = analyzer.Redact(text, profile);
        Understanding understanding;
        IDisposable? turn = null;
        if (target.Lock is null)
        {
            // Classifying is CPU work: it runs on another thread while the turn waits for its lock and the stored state.
            var understandingTask = Task.Run(() => analyzer.Understand(redaction.Text, profile), CancellationToken.None);
            turn = await locks.AcquireAsync(conversation.Id, cancellationToken);
            // Another turn may have finished while this one waited: continue from what is stored.
            await RefreshAsync(conversation, cancellationToken);
            understanding = await understandingTask;
        }
        else
        {
            // The conversation was read under the lock the target holds: it is what is stored.
            understanding = analyzer.Understand(redaction.Text, profile);
        }

        using var ownLock = turn;
        if (observer is not null)
        {
            await observer.ThinkingAsync(cancellationToken);
        }

        if (conversation is { Status: ConversationStatus.Escalated, AssignedAgentId: not null })
        {
            return await HeldAsync(conversation, text: redaction.Text, redaction.Redactions, understanding, metadata, started, observer);
        }

        var assistant = await assistants.ForConversationAsync(conversation, cancellationToken);
        // Retrieval stays inside the knowledge categories the conversation's assistant may use.
        var context = await RetrievalContext.EarlierTurnsAsync(db, queries, recentMessages, conversation, cancellationToken);
        var passages = await knowledge.SearchAsync(conversation.TenantId,
            new KnowledgeQuery(redaction.Text, 5) { Categories = Assistants.AssistantView.Strings(assistant.KnowledgeCategories), Viewer = conversation.UserId, Context = context }, cancellationToken);
        var previousStatus = conversation.Status;

        var (escalating, reason) = EscalationPolicy.BeforeAnswer(conversation, understanding, settings);
        var personComing = BuiltInAnswerEngine.PersonComing(conversation);
        // The built-in engine runs a tool when an intent route matches (an LLM chooses tools itself).
        var builtInEngine = generator is BuiltInAnswerGenerator;
        var routed = !escalating && builtInEngine ? await tools.TryRouteAsync(conversation, understanding, redaction.Text, cancellationToken) : null;
        // Answers that depend on the conversation so far (an LLM reads the history) or on live tool data are not reusable.
        // Nor are answers while a person is on the way (they say so; cached ones may offer a person).
        var cacheable = !escalating && !personComing && !generator.UsesHistory && routed is null;
        var cached = cacheable ? cache.Find(conversation.TenantId, conversation.AssistantId, ResponseCache.Question(redaction.Text, passages)) : null;
        Answer answer;
        if (routed is not null)
        {
            answer = routed;
            await StreamAsync(observer, answer.Text, cancellationToken);
        }
        else if (cached is not null)
        {
            answer = cached;
            await StreamAsync(observer, answer.Text, cancellationToken);
        }
        else
        {
            var history = generator.HistoryMessages > 0 ? await RecentHistoryAsync(conversation, generator.HistoryMessages, cancellationToken) : [];
            var toolSession = !escalating && !builtInEngine ? await tools.SessionAsync(conversation, Assistants.AssistantView.Strings(assistant.Tools), cancellationToken) : null;
            answer = await GenerateAsync(new AnswerContext(conversation, history, redaction.Text, understanding, passages, escalating,
                Assistants.AssistantDirectory.Overrides(assistant), toolSession), observer, cancellationToken);
            if (cacheable)
            {
                cache.Store(conversation.TenantId, conversation.AssistantId, ResponseCache.Question(redaction.Text, passages), answer);
            }
        }

        var lowStreak = answer.Confidence < settings.LowConfidence ? conversation.LowConfidenceStreak + 1 : 0;
        if (!escalating && EscalationPolicy.AfterAnswer(conversation, lowStreak, settings))
        {
            (escalating, reason) = (true, "repeated_low_confidence");
            // The answer was written before this decision: the customer is told what the flag says, a person is coming.
            answer = answer with { Text = BuiltInAnswerEngine.UncertainHandoff, Citations = [] };
            cached = null;
            if (observer is not null)
            {
                await observer.ResetAsync("escalating", cancellationToken);
                await StreamAsync(observer, answer.Text, cancellationToken);
            }
        }
        else if (personComing && EscalationPolicy.AsksForPerson(understanding))
        {
            // Already waiting for a person: the customer asking for one is now why.
            conversation.EscalationReason = EscalationPolicy.CustomerRequested;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var userMessage = NewMessage(conversation, MessageTypes.User, redaction.Text, now);
        userMessage.SenderId = me.UserId;
        userMessage.Intent = understanding.Intent;
        userMessage.Confidence = Math.Round(understanding.Confidence, 4);
        userMessage.Entities = JsonSerializer.Serialize(understanding.Entities, Json);
        userMessage.Redactions = JsonSerializer.Serialize(redaction.Redactions.Select(r => r.WithoutOriginal()), Json);
        userMessage.Metadata = metadata is { ValueKind: JsonValueKind.Object } m ? m.GetRawText() : "{}";

        var botMessage = NewMessage(conversation, MessageTypes.Bot, answer.Text, now.AddTicks(1));
        botMessage.Sequence = userMessage.Sequence + 1;
        botMessage.Intent = understanding.Intent;
        botMessage.Confidence = answer.Confidence;
        botMessage.Citations = JsonSerializer.Serialize(answer.Citations, Json);
        botMessage.TokensUsed = cached is null ? answer.TokensUsed : 0;
        botMessage.Cached = cached is not null;
        botMessage.ResponseTimeMs = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 3);
        // After this turn, is the conversation with or waiting for a person, and why: the conversation says.
        var escalationNeeded = escalating || personComing;
        var escalationReason = escalating ? reason : personComing ? conversation.EscalationReason : null;
        botMessage.Metadata = JsonSerializer.Serialize(new Dictionary<string, object?>(answer.Metadata)
        {
            ["escalation_needed"] = escalationNeeded,
            ["escalation_reason"] = escalationReason,
            ["sentiment"] = Math.Round(understanding.Sentiment, 3),
        }, Json);

        if (conversation.MessageCount == 0 && conversation.Title == Titles.From(null))
        {
            conversation.Title = Titles.From(redaction.Text);
        }

        conversation.LastSequence = botMessage.Sequence;
        conversation.MessageCount += 2;
        conversation.LowConfidenceStreak = escalating ? 0 : lowStreak;
        conversation.LastMessageAt = conversation.UpdatedAt = now;
        if (escalating)
        {
            // Opens the escalation's ticket and raises conversation.updated in this transaction.
            await handoff.EscalatedAsync(conversation, previousStatus, reason, redaction.Text, CancellationToken.None);
        }

        db.Messages.AddRange(userMessage, botMessage);
        await events.RaiseAsync(db, conversation.TenantId, Infrastructure.Events.EventTypes.MessageReceived, MessageEventData.From(userMessage), conversation.UserId, CancellationToken.None);
        // Once generation is done the turn is stored even if the caller has gone away.
        await writes.SaveAsync(db);

        recentMessages.Append(conversation.Id, userMessage.Sequence - 1, userMessage, botMessage);
        await usage.CountAsync(conversation.TenantId, me.UserId, Quotas.UsageMetrics.Messages, 1, CancellationToken.None);
        var total = Stopwatch.GetElapsedTime(started);
        metrics.Turn(answer.Engine, escalating, cached is not null, total.TotalSeconds);
        var result = new TurnResult(conversation, userMessage, botMessage, understanding, redaction.Redactions, answer, escalationNeeded, escalationReason,
            cached is not null, Math.Round(total.TotalMilliseconds, 3))
        { EscalatedThisTurn = escalating };
        if (observer is not null)
        {
            await observer.UserMessageStoredAsync(userMessage, CancellationToken.None);
        }

        await notifier.TurnStoredAsync(result, CancellationToken.None);
        return result;
    }

    /// <summary>
    /// An agent holds the conversation: the customer's message is stored and reaches the agent on
    /// every surface, and the bot stays silent (no answer is generated or stored).
    /// </summary>
    private async Task<TurnResult> HeldAsync(
        Conversation conversation, string text, IReadOnlyList<RedactionView> redactions, Understanding understanding, JsonElement? metadata, long started, ITurnObserver? observer)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var userMessage = NewMessage(conversation, MessageTypes.User, text, now);
        userMessage.SenderId = me.UserId;
        userMessage.Intent = understanding.Intent;
        userMessage.Confidence = Math.Round(understanding.Confidence, 4);
        userMessage.Entities = JsonSerializer.Serialize(understanding.Entities, Json);
        userMessage.Redactions = JsonSerializer.Serialize(redactions.Select(r => r.WithoutOriginal()), Json);
        userMessage.Metadata = metadata is { ValueKind: JsonValueKind.Object } m ? m.GetRawText() : "{}";
        conversation.LastSequence = userMessage.Sequence;
        conversation.MessageCount++;
        conversation.LastMessageAt = conversation.UpdatedAt = now;
        db.Messages.Add(userMessage);
        await events.RaiseAsync(db, conversation.TenantId, Infrastructure.Events.EventTypes.MessageReceived, MessageEventData.From(userMessage), conversation.UserId, CancellationToken.None);
        await writes.SaveAsync(db);

        var silent = new Answer(string.Empty, 0, [], "human_agent", 0, new Dictionary<string, object?>
        {
            ["held_by_agent"] = true,
            ["assigned_agent_id"] = conversation.AssignedAgentId,
        });
        var elapsed = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 3);
        // The conversation is with a person: that is what escalation_needed reports.
        var result = new TurnResult(conversation, userMessage, null, understanding, redactions, silent, true, conversation.EscalationReason, false, elapsed);
        if (observer is not null)
        {
            await observer.UserMessageStoredAsync(userMessage, CancellationToken.None);
        }

        await notifier.TurnStoredAsync(result, CancellationToken.None);
        return result;
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

    private static async Task StreamAsync(ITurnObserver? observer, string text, CancellationToken cancellationToken)
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

    /// <summary>Brings a tracked conversation up to what is stored (a cheaper ReloadAsync: the query is compiled once).</summary>
    private async Task RefreshAsync(Conversation conversation, CancellationToken cancellationToken)
    {
        var entry = db.Entry(conversation);
        if (entry.State == EntityState.Added)
        {
            return;
        }

        var stored = await conversations.StoredStateAsync(conversation.Id, cancellationToken)
            ?? throw new InvalidOperationException($"Conversation {conversation.Id} disappeared during a turn.");
        entry.CurrentValues.SetValues(stored);
        entry.OriginalValues.SetValues(stored);
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

    /// <summary>The conversation's next message (sequence after its last); the caller stores it.</summary>
    internal static Message NewMessage(Conversation conversation, string type, string content, DateTime at) => new()
    {
        Id = Guid.CreateVersion7(),
        TenantId = conversation.TenantId,
        ConversationId = conversation.Id,
        Sequence = conversation.LastSequence + 1,
        MessageType = type,
        Content = content,
        CreatedAt = at,
    };
}
