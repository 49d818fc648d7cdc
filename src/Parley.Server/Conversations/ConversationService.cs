using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.ConversationModel;
using Parley.Server.Infrastructure.Events;
using Parley.Server.Storage;

namespace Parley.Server.Conversations;

/// <summary>
/// Finding, starting and ending conversations for the caller. Customers (role user) see their own
/// conversations; agents and admins see every conversation of their tenant.
/// </summary>
public sealed class ConversationService(
    ParleyDb db, CurrentUser me, ConversationQueries queries, SqliteRowReader rows, ConversationLocks locks, DomainEvents events, TimeProvider clock)
{
    public IQueryable<Conversation> Visible()
        => me.IsAgentOrAdmin ? db.Conversations : db.Conversations.Where(c => c.UserId == me.UserId);

    /// <summary>The conversation, tracked, if the caller may see it: agents and admins any of their tenant's, customers their own.</summary>
    public Task<Conversation?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        // SQLite: every turn makes this read, so it skips EF's query pipeline (Storage/SqliteRowReader).
        var found = me.IsAgentOrAdmin
            ? rows.Find<Conversation>(db, id, null, null, out var handled)
            : rows.Find<Conversation>(db, id, nameof(Conversation.UserId), me.UserId, out handled);
        if (handled)
        {
            return Task.FromResult(found);
        }

        return me.IsAgentOrAdmin ? queries.FindInTenant(db, id, cancellationToken) : queries.FindOwn(db, id, me.UserId, cancellationToken);
    }

    /// <summary>The stored state of a conversation this unit of work already tracks, read without tracking.</summary>
    public Task<Conversation?> StoredStateAsync(Guid id, CancellationToken cancellationToken) => queries.FindStored(db, id, cancellationToken);


    /// <summary>
    /// The conversation a new turn goes into: the named one (404 if the caller cannot see it, 409
    /// if it has ended), or a new one when none is named. A named conversation is read after its
    /// turn lock is taken, so the turn starts from what is stored and needs no second read; the
    /// target holds the lock until it is disposed.
    /// </summary>
    public async Task<(TurnTarget? Target, Infrastructure.Errors.ErrorResult? Error)> ForTurnAsync(Guid? id, CancellationToken cancellationToken)
    {
        if (id is null)
        {
            return (new TurnTarget(await StartAsync(null, cancellationToken: cancellationToken), null), null);
        }

        var turnLock = await locks.AcquireAsync(id.Value, cancellationToken);
        Conversation? found;
        try
        {
            found = await FindAsync(id.Value, cancellationToken);
        }
        catch
        {
            turnLock.Dispose();
            throw;
        }

        Infrastructure.Errors.ErrorResult? error = found switch
        {
            null => Infrastructure.Errors.ErrorResult.NotFound("Conversation"),
            { Status: ConversationStatus.Ended } => Infrastructure.Errors.ErrorResult.Conflict("This conversation has ended; start a new one."),
            _ => null,
        };
        if (error is not null)
        {
            turnLock.Dispose();
            return (null, error);
        }

        return (new TurnTarget(found!, turnLock), null);
    }

    /// <summary>
    /// The conversation a session id names (Three-Database Chatbot, HeliosCS): a GUID is a conversation id as in
    /// <see cref="ForTurnAsync"/>; any other string is an external id the client chose, looked up
    /// among the caller's own conversations in their tenant and started on first use. Another
    /// user's conversation with the same external id is never continued.
    /// </summary>
    public async Task<(TurnTarget? Target, Infrastructure.Errors.ErrorResult? Error)> ForSessionTurnAsync(string? sessionId, CancellationToken cancellationToken)
    {
        if (sessionId is null || Guid.TryParse(sessionId, out _))
        {
            return await ForTurnAsync(sessionId is null ? null : Guid.Parse(sessionId), cancellationToken);
        }

        if (await OwnByExternalIdAsync(sessionId, cancellationToken) is { } known)
        {
            return await ForTurnAsync(known, cancellationToken);
        }

        var conversation = Start(null);
        conversation.ExternalId = sessionId;
        await events.RaiseAsync(db, conversation.TenantId, EventTypes.ConversationCreated, ConversationEventData.From(conversation), conversation.UserId, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return (new TurnTarget(conversation, null), null);
        }
        catch (DbUpdateException)
        {
            // Another request with the same session id may have started it first (unique per tenant, owner and external id).
            db.ChangeTracker.Clear();
            if (await OwnByExternalIdAsync(sessionId, cancellationToken) is not { } raced)
            {
                throw;
            }

            return await ForTurnAsync(raced, cancellationToken);
        }
    }

    /// <summary>
    /// The caller's own conversation with this client-chosen external id (the Integration Platform's
    /// <c>/chat/ws/session_123</c>), started on first use as <see cref="ForSessionTurnAsync"/> does.
    /// </summary>
    public async Task<Guid> OwnByExternalIdOrStartAsync(string externalId, CancellationToken cancellationToken)
    {
        if (await OwnByExternalIdAsync(externalId, cancellationToken) is { } known)
        {
            return known;
        }

        var conversation = Start(null);
        conversation.ExternalId = externalId;
        await events.RaiseAsync(db, conversation.TenantId, EventTypes.ConversationCreated, ConversationEventData.From(conversation), conversation.UserId, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return conversation.Id;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return await OwnByExternalIdAsync(externalId, cancellationToken) ?? throw new InvalidOperationException("The conversation could not be started.");
        }
    }

    private Task<Guid?> OwnByExternalIdAsync(string externalId, CancellationToken cancellationToken)
        => db.Conversations.AsNoTracking().Where(c => c.UserId == me.UserId && c.ExternalId == externalId).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(cancellationToken);

    public Conversation Start(string? title, string channel = Channels.Web, string? customerId = null, Guid? assistantId = null, JsonElement? metadata = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var conversation = new Conversation
        {
            Id = Guid.CreateVersion7(),
            TenantId = me.RequiredTenantId,
            UserId = me.UserId,
            CustomerId = customerId ?? me.UserId?.ToString(),
            AssistantId = assistantId,
            Title = Titles.From(title),
            Channel = channel,
            Metadata = metadata is { ValueKind: JsonValueKind.Object } m ? m.GetRawText() : "{}",
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Conversations.Add(conversation);
        return conversation;
    }

    /// <summary>Starts a conversation, raises <c>conversation.created</c> and saves both.</summary>
    public async Task<Conversation> StartAsync(string? title, string channel = Channels.Web, string? customerId = null, Guid? assistantId = null, JsonElement? metadata = null, CancellationToken cancellationToken = default)
    {
        var conversation = Start(title, channel, customerId, assistantId, metadata);
        await events.RaiseAsync(db, conversation.TenantId, EventTypes.ConversationCreated, ConversationEventData.From(conversation), conversation.UserId, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return conversation;
    }

    public async Task EndAsync(Conversation conversation, CancellationToken cancellationToken)
    {
        if (conversation.Status != ConversationStatus.Ended)
        {
            conversation.Status = ConversationStatus.Ended;
            conversation.EndedAt = conversation.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            await Tickets.EscalationTickets.ResolveForEndedAsync(db, events, conversation.Id, conversation.EndedAt.Value, cancellationToken);
            await events.RaiseAsync(db, conversation.TenantId, EventTypes.ConversationEnded, ConversationEventData.From(conversation), conversation.UserId, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    public async Task DeleteAsync(Conversation conversation, CancellationToken cancellationToken)
    {
        db.Conversations.Remove(conversation);
        await db.SaveChangesAsync(cancellationToken);
    }

    public Task<List<Message>> MessagesAsync(Guid conversationId, int afterSequence, int limit, CancellationToken cancellationToken)
        => db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversationId && m.Sequence > afterSequence)
            .OrderBy(m => m.Sequence)
            .Take(limit)
            .ToListAsync(cancellationToken);
}

/// <summary>
/// The lookups every chat turn makes, compiled once: translating the LINQ on each turn cost more
/// CPU than running the query. A singleton per application because a compiled query belongs to one
/// EF model (SQLite or PostgreSQL); the tenant query filter still applies per context.
/// </summary>
public sealed class ConversationQueries
{
    public Func<ParleyDb, Guid, CancellationToken, Task<Conversation?>> FindInTenant { get; } =
        EF.CompileAsyncQuery((ParleyDb db, Guid id, CancellationToken _) => db.Set<Conversation>().FirstOrDefault(c => c.Id == id));

    public Func<ParleyDb, Guid, Guid?, CancellationToken, Task<Conversation?>> FindOwn { get; } =
        EF.CompileAsyncQuery((ParleyDb db, Guid id, Guid? userId, CancellationToken _) => db.Set<Conversation>().FirstOrDefault(c => c.Id == id && c.UserId == userId));

    public Func<ParleyDb, Guid, CancellationToken, Task<Conversation?>> FindStored { get; } =
        EF.CompileAsyncQuery((ParleyDb db, Guid id, CancellationToken _) => db.Set<Conversation>().AsNoTracking().FirstOrDefault(c => c.Id == id));

    /// <summary>The newest messages of a conversation, newest first, with what an LLM reads of them (type and content).</summary>
    public Func<ParleyDb, Guid, int, IAsyncEnumerable<Message>> Recent { get; } =
        EF.CompileAsyncQuery((ParleyDb db, Guid id, int count) => db.Set<Message>().AsNoTracking().Where(m => m.ConversationId == id).OrderByDescending(m => m.Sequence).Take(count)
            .Select(RecentMessages.PromptShape));
}

/// <summary>
/// A conversation a turn is about to run in. <see cref="Lock"/>, when set, is the conversation's
/// turn lock, taken before <see cref="Conversation"/> was read; disposing the target releases it.
/// </summary>
public sealed class TurnTarget(Conversation conversation, IDisposable? turnLock) : IDisposable
{
    public Conversation Conversation { get; } = conversation;

    public IDisposable? Lock { get; } = turnLock;

    public void Dispose() => Lock?.Dispose();
}

public static class Titles
{
    /// <summary>A conversation's title: the given one, or the first words of its first message.</summary>
    public static string From(string? text)
    {
        var clean = string.Join(' ', (text ?? string.Empty).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return clean.Length == 0 ? "New conversation" : clean.Length <= 80 ? clean : clean[..77] + "...";
    }
}
