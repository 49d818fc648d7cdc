using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Auth;
using Parley.Server.ConversationModel;
using Parley.Server.Infrastructure.Events;
using Parley.Server.Knowledge;
using Parley.Server.Storage;
using Parley.Server.Understanding;

namespace Parley.Server.Conversations;

/// <summary>
/// One customer message in, one answer out, as a sequence of stages each owned by its feature:
/// quota → understanding (redaction first, before anything is stored, logged or sent anywhere; then
/// intent, confidence, entities) → assistant scope → knowledge search → escalation decision → answer
/// (tool route, cache or generator) → both messages stored in one transaction → <see cref="TurnStored"/>.
/// Turns in one conversation run one at a time, in arrival order.
/// </summary>
public sealed class TurnPipeline(
    ParleyDb db,
    CurrentUser me,
    ConversationService conversations,
    ConversationLocks locks,
    IMessageReader reader,
    Assistants.AssistantDirectory assistants,
    IKnowledgeSearch knowledge,
    RetrievalContext retrievalContext,
    TurnAnswers answers,
    ITurnEscalation escalation,
    WriteGate writes,
    DomainEvents events,
    Plans.UsageMeter usage,
    IOptions<ConversationOptions> options,
    TimeProvider clock)
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
        if (await usage.CheckAsync(conversation.TenantId, Plans.UsageMetrics.Messages, cancellationToken) is { } overQuota)
        {
            throw overQuota;
        }

        var message = await reader.RedactAsync(conversation.TenantId, text, cancellationToken);
        var (understanding, ownLock) = await UnderstandUnderLockAsync(target, message, cancellationToken);
        using var _ = ownLock;
        if (observer is not null)
        {
            await observer.ThinkingAsync(cancellationToken);
        }

        var userMessage = UserMessage(conversation, message, understanding, metadata);
        if (conversation is { Status: ConversationStatus.Escalated, AssignedAgentId: not null })
        {
            // An agent holds the conversation: the message reaches the agent on every surface and the bot stays silent.
            Advance(conversation, userMessage, null);
            return await StoreAsync(conversation, userMessage, null, understanding, message.Redactions, HeldSilence(conversation), started, observer);
        }

        var assistant = await assistants.ForConversationAsync(conversation, cancellationToken);
        // Retrieval stays inside the knowledge categories the conversation's assistant may use.
        var context = await retrievalContext.EarlierTurnsAsync(conversation, cancellationToken);
        var passages = await knowledge.SearchAsync(conversation.TenantId,
            new KnowledgeQuery(message.Text, 5) { Categories = Assistants.AssistantView.Strings(assistant.KnowledgeCategories), Viewer = conversation.UserId, Context = context }, cancellationToken);
        var previousStatus = conversation.Status;
        var settings = options.Value;
        var (escalating, reason) = EscalationPolicy.BeforeAnswer(conversation, understanding, settings);
        var personComing = BuiltInAnswerEngine.PersonComing(conversation);
        var (answer, cached) = await answers.AnswerAsync(new AnswerRequest(conversation, message.Text, understanding, passages, escalating, personComing, assistant), observer, cancellationToken);

        var lowStreak = answer.Confidence < settings.LowConfidence ? conversation.LowConfidenceStreak + 1 : 0;
        if (!escalating && EscalationPolicy.AfterAnswer(conversation, lowStreak, settings) && settings.LowConfidenceAction == LowConfidenceActions.Offer)
        {
            // The customer decides: the bot says it keeps missing and how to ask for a person, and goes on
            // answering; nobody is called in until they ask (or an agent picks the conversation up).
            (lowStreak, cached) = (0, false);
            answer = answer with { Text = answer.Citations.Count == 0 ? BuiltInAnswerEngine.UncertainOffer : answer.Text + " " + BuiltInAnswerEngine.PersonOffer };
            if (observer is not null)
            {
                await observer.ResetAsync("offering_a_person", cancellationToken);
                await TurnAnswers.StreamAsync(observer, answer.Text, cancellationToken);
            }
        }
        else if (!escalating && EscalationPolicy.AfterAnswer(conversation, lowStreak, settings))
        {
            (escalating, reason, cached) = (true, "repeated_low_confidence", false);
            // The answer was written before this decision: the customer is told what the flag says, a person is coming.
            answer = answer with { Text = BuiltInAnswerEngine.UncertainHandoff, Citations = [] };
            if (observer is not null)
            {
                await observer.ResetAsync("escalating", cancellationToken);
                await TurnAnswers.StreamAsync(observer, answer.Text, cancellationToken);
            }
        }
        else if (personComing && EscalationPolicy.AsksForPerson(understanding))
        {
            // Already waiting for a person: the customer asking for one is now why.
            conversation.EscalationReason = EscalationPolicy.CustomerRequested;
        }

        // After this turn, is the conversation with or waiting for a person, and why: the conversation says.
        var escalationReason = escalating ? reason : personComing ? conversation.EscalationReason : null;
        var botMessage = BotMessage(conversation, userMessage, understanding, answer, cached, escalating || personComing, escalationReason, started);
        if (conversation.MessageCount == 0 && conversation.Title == Titles.From(null))
        {
            conversation.Title = Titles.From(message.Text);
        }

        Advance(conversation, userMessage, botMessage);
        conversation.LowConfidenceStreak = escalating ? 0 : lowStreak;
        if (escalating)
        {
            // Opens the escalation's ticket and raises conversation.updated in this transaction.
            await escalation.EscalateAsync(conversation, previousStatus, reason, message.Text, CancellationToken.None);
        }

        var outcome = new TurnOutcome(answer, escalating || personComing, escalationReason, cached, escalating);
        return await StoreAsync(conversation, userMessage, botMessage, understanding, message.Redactions, outcome, started, observer);
    }

    /// <summary>
    /// Classifies and takes the conversation's lock. Classifying is CPU work: for a conversation not
    /// locked yet it runs on another thread while the turn waits for its lock and the stored state.
    /// </summary>
    private async Task<(MessageUnderstanding Understanding, IDisposable? OwnLock)> UnderstandUnderLockAsync(TurnTarget target, RedactedMessage message, CancellationToken cancellationToken)
    {
        if (target.Lock is not null)
        {
            // The conversation was read under the lock the target holds: it is what is stored.
            return (reader.Understand(message), null);
        }

        var understanding = Task.Run(() => reader.Understand(message), CancellationToken.None);
        var turn = await locks.AcquireAsync(target.Conversation.Id, cancellationToken);
        try
        {
            // Another turn may have finished while this one waited: continue from what is stored.
            await RefreshAsync(target.Conversation, cancellationToken);
            return (await understanding, turn);
        }
        catch
        {
            turn.Dispose();
            throw;
        }
    }

    /// <summary>How a turn ended, for its result: the answer, whether a person is involved and why.</summary>
    private sealed record TurnOutcome(Answer Answer, bool EscalationNeeded, string? EscalationReason, bool Cached, bool EscalatedThisTurn);

    /// <summary>The outcome of a held turn: no answer; the conversation is with a person, which is what escalation_needed reports.</summary>
    private static TurnOutcome HeldSilence(Conversation conversation) => new(
        new Answer(string.Empty, 0, [], "human_agent", 0, new Dictionary<string, object?>
        {
            ["held_by_agent"] = true,
            ["assigned_agent_id"] = conversation.AssignedAgentId,
        }),
        true, conversation.EscalationReason, false, false);

    /// <summary>
    /// Stores the turn's messages in one transaction with <c>message.received</c> (webhooks and
    /// notifications add their rows to it), then tells the caller's stream and publishes <see cref="TurnStored"/>.
    /// Once generation is done the turn is stored even if the caller has gone away.
    /// </summary>
    private async Task<TurnResult> StoreAsync(Conversation conversation, Message userMessage, Message? botMessage, MessageUnderstanding understanding,
        IReadOnlyList<RedactionView> redactions, TurnOutcome outcome, long started, ITurnObserver? observer)
    {
        db.Messages.Add(userMessage);
        if (botMessage is not null)
        {
            db.Messages.Add(botMessage);
        }

        await events.RaiseAsync(db, conversation.TenantId, EventTypes.MessageReceived, MessageEventData.From(userMessage), conversation.UserId, CancellationToken.None);
        await writes.SaveAsync(db);

        var elapsed = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 3);
        var result = new TurnResult(conversation, userMessage, botMessage, understanding, redactions, outcome.Answer, outcome.EscalationNeeded, outcome.EscalationReason,
            outcome.Cached, elapsed)
        { EscalatedThisTurn = outcome.EscalatedThisTurn };
        if (observer is not null)
        {
            await observer.UserMessageStoredAsync(userMessage, CancellationToken.None);
        }

        await events.StoredAsync(new TurnStored(result), CancellationToken.None);
        return result;
    }

    /// <summary>The turn's messages are dated now (the answer a tick later) and the conversation moves past them.</summary>
    private void Advance(Conversation conversation, Message userMessage, Message? botMessage)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        userMessage.CreatedAt = now;
        if (botMessage is not null)
        {
            botMessage.CreatedAt = now.AddTicks(1);
        }

        conversation.LastSequence = (botMessage ?? userMessage).Sequence;
        conversation.MessageCount += botMessage is null ? 1 : 2;
        conversation.LastMessageAt = conversation.UpdatedAt = now;
    }

    private Message UserMessage(Conversation conversation, RedactedMessage message, MessageUnderstanding understanding, JsonElement? metadata)
    {
        var userMessage = NewMessage(conversation, MessageTypes.User, message.Text, default);
        userMessage.SenderId = me.UserId;
        userMessage.Intent = understanding.Intent;
        userMessage.Confidence = Math.Round(understanding.Confidence, 4);
        userMessage.Entities = JsonSerializer.Serialize(understanding.Entities, Json);
        userMessage.Redactions = JsonSerializer.Serialize(message.Redactions.Select(r => r.WithoutOriginal()), Json);
        userMessage.Metadata = metadata is { ValueKind: JsonValueKind.Object } m ? m.GetRawText() : "{}";
        return userMessage;
    }

    private static Message BotMessage(Conversation conversation, Message userMessage, MessageUnderstanding understanding, Answer answer, bool cached,
        bool escalationNeeded, string? escalationReason, long started)
    {
        var botMessage = NewMessage(conversation, MessageTypes.Bot, answer.Text, default);
        botMessage.Sequence = userMessage.Sequence + 1;
        botMessage.Intent = understanding.Intent;
        botMessage.Confidence = answer.Confidence;
        botMessage.Citations = JsonSerializer.Serialize(answer.Citations, Json);
        botMessage.TokensUsed = cached ? 0 : answer.TokensUsed;
        botMessage.Cached = cached;
        botMessage.ResponseTimeMs = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 3);
        botMessage.Metadata = JsonSerializer.Serialize(new Dictionary<string, object?>(answer.Metadata)
        {
            ["escalation_needed"] = escalationNeeded,
            ["escalation_reason"] = escalationReason,
            ["sentiment"] = Math.Round(understanding.Sentiment, 3),
        }, Json);
        return botMessage;
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
