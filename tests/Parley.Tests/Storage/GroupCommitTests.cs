using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.ConversationModel;
using Parley.Server.Conversations;
using Parley.Server.Storage;
using Parley.Server.Tenants;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Storage;

/// <summary>
/// SQLite group commit (<see cref="WriteGate.SaveAsync"/>): units of work that wait together are
/// stored by one transaction, a unit that fails is rolled back alone, and every context can be used
/// again afterwards on its own connection.
/// </summary>
public sealed class GroupCommitTests : IAsyncLifetime
{
    private readonly SqliteApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => _app.DisposeAsync();

    private WriteGate Gate => _app.Services.GetRequiredService<WriteGate>();

    private IDbContextFactory<ParleyDb> Factory => _app.Services.GetRequiredService<IDbContextFactory<ParleyDb>>();

    [Fact]
    public async Task Units_waiting_together_share_one_commit_and_a_failing_unit_fails_alone()
    {
        var prefix = "gc-" + Guid.NewGuid().ToString("N")[..8];
        await using var first = await Factory.CreateDbContextAsync();
        await using var clash = await Factory.CreateDbContextAsync();
        await using var third = await Factory.CreateDbContextAsync();
        first.Tenants.Add(NewTenant(prefix + "-a"));
        clash.Tenants.Add(NewTenant(prefix + "-a")); // the same slug: the unique index refuses it
        third.Tenants.Add(NewTenant(prefix + "-c"));

        var commitsBefore = Gate.Commits;
        Task[] saves;
        // While the gate is held nothing commits, so all three queue and go into one batch.
        using (await Gate.EnterAsync(CancellationToken.None))
        {
            saves = [Gate.SaveAsync(first), Gate.SaveAsync(clash), Gate.SaveAsync(third)];
            await Task.Delay(100);
            Assert.All(saves, s => Assert.False(s.IsCompleted));
        }

        await saves[0];
        await Assert.ThrowsAsync<DbUpdateException>(() => saves[1]);
        await saves[2];
        Assert.Equal(commitsBefore + 1, Gate.Commits);

        await using var check = await Factory.CreateDbContextAsync();
        var stored = await check.Tenants.Where(t => t.Slug.StartsWith(prefix)).Select(t => t.Slug).OrderBy(s => s).ToListAsync();
        Assert.Equal([prefix + "-a", prefix + "-c"], stored);

        // The saved contexts have their own connection back and accepted their changes.
        Assert.Equal(EntityState.Unchanged, first.Entry(first.Tenants.Local.Single()).State);
        Assert.Equal(2, await first.Tenants.CountAsync(t => t.Slug.StartsWith(prefix)));
        first.Tenants.Local.Single().Name = "renamed";
        await first.SaveChangesAsync();
        Assert.Equal("renamed", (await check.Tenants.AsNoTracking().SingleAsync(t => t.Slug == prefix + "-a")).Name);

        // The refused unit keeps its change pending and can be corrected and saved again.
        var refused = clash.Tenants.Local.Single();
        Assert.Equal(EntityState.Added, clash.Entry(refused).State);
        refused.Slug = prefix + "-b";
        await Gate.SaveAsync(clash);
        Assert.Equal(3, await check.Tenants.CountAsync(t => t.Slug.StartsWith(prefix)));
    }

    [Fact]
    public async Task Many_concurrent_units_are_all_stored_with_fewer_commits_than_units()
    {
        var prefix = "gm-" + Guid.NewGuid().ToString("N")[..8];
        var contexts = new List<ParleyDb>();
        for (var i = 0; i < 200; i++)
        {
            var db = await Factory.CreateDbContextAsync();
            db.Tenants.Add(NewTenant($"{prefix}-{i}"));
            contexts.Add(db);
        }

        var commitsBefore = Gate.Commits;
        Task[] saves;
        using (await Gate.EnterAsync(CancellationToken.None))
        {
            saves = contexts.Select(Gate.SaveAsync).ToArray();
        }

        await Task.WhenAll(saves);
        var commits = Gate.Commits - commitsBefore;
        Assert.InRange(commits, (200 + WriteGate.MaxBatch - 1) / WriteGate.MaxBatch, 199);
        await using var check = await Factory.CreateDbContextAsync();
        Assert.Equal(200, await check.Tenants.CountAsync(t => t.Slug.StartsWith(prefix)));
        foreach (var db in contexts)
        {
            await db.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_row_writer_stores_what_EF_stores_and_updates_only_the_changed_columns()
    {
        var tenant = NewTenant("rw-" + Guid.NewGuid().ToString("N")[..8]);
        await using (var setup = await Factory.CreateDbContextAsync())
        {
            setup.Tenants.Add(tenant);
            await setup.SaveChangesAsync();
        }

        // The same conversation and messages, once through EF's SaveChanges and once through the Gate.
        await using var byEf = await Factory.CreateDbContextAsync();
        await using var byRows = await Factory.CreateDbContextAsync();
        var (efConversation, efMessages) = NewTurn(tenant.Id);
        var (rowConversation, rowMessages) = NewTurn(tenant.Id);
        byEf.Conversations.Add(efConversation);
        byEf.Messages.AddRange(efMessages);
        await byEf.SaveChangesAsync();
        byRows.Conversations.Add(rowConversation);
        byRows.Messages.AddRange(rowMessages);
        var rowWrites = Gate.RowWrites;
        await Gate.SaveAsync(byRows);
        Assert.Equal(rowWrites + 1, Gate.RowWrites);
        Assert.Equal(EntityState.Unchanged, byRows.Entry(rowConversation).State);

        var connectionString = byEf.Database.GetConnectionString()!;
        AssertSameRow(connectionString, "conversations", efConversation.Id, rowConversation.Id);
        for (var i = 0; i < efMessages.Length; i++)
        {
            AssertSameRow(connectionString, "messages", efMessages[i].Id, rowMessages[i].Id);
        }

        // Meanwhile someone else changes another column of the stored row (an agent's claim).
        await using (var other = await Factory.CreateDbContextAsync())
        {
            await other.Conversations.IgnoreQueryFilters().Where(c => c.Id == efConversation.Id || c.Id == rowConversation.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, "escalated"));
        }

        foreach (var (db, conversation) in new[] { (byEf, efConversation), (byRows, rowConversation) })
        {
            conversation.MessageCount += 2;
            conversation.LastSequence = 4;
            conversation.LastMessageAt = conversation.UpdatedAt = new DateTime(2026, 11, 30, 10, 11, 12, DateTimeKind.Utc).AddTicks(1234567);
            conversation.AssignedAgentId = null;
            conversation.Title = "Updated \"title\"";
        }

        await byEf.SaveChangesAsync();
        await Gate.SaveAsync(byRows);
        Assert.Equal(rowWrites + 2, Gate.RowWrites);
        var stored = AssertSameRow(connectionString, "conversations", efConversation.Id, rowConversation.Id);
        Assert.Equal("escalated", stored["status"]);
        Assert.Equal(4L, stored["last_sequence"]);
    }

    [Fact]
    public async Task A_unit_the_row_writer_cannot_plan_is_saved_by_EF_in_the_same_batch()
    {
        var prefix = "rf-" + Guid.NewGuid().ToString("N")[..8];
        await using var db = await Factory.CreateDbContextAsync();
        var doomed = NewTenant(prefix + "-gone");
        db.Tenants.Add(doomed);
        await db.SaveChangesAsync();

        // A delete is not something the row writer plans: EF saves that unit.
        db.Tenants.Remove(doomed);
        db.Tenants.Add(NewTenant(prefix + "-new"));
        var rowWrites = Gate.RowWrites;
        await Gate.SaveAsync(db);
        Assert.Equal(rowWrites, Gate.RowWrites);
        await using var check = await Factory.CreateDbContextAsync();
        Assert.Equal([prefix + "-new"], await check.Tenants.Where(t => t.Slug.StartsWith(prefix)).Select(t => t.Slug).ToListAsync());
    }

    [Fact]
    public async Task After_save_actions_run_once_the_commit_has_stored_the_unit_and_never_for_a_failed_one()
    {
        var prefix = "as-" + Guid.NewGuid().ToString("N")[..8];
        await using var saved = await Factory.CreateDbContextAsync();
        await using var refused = await Factory.CreateDbContextAsync();
        saved.Tenants.Add(NewTenant(prefix));
        refused.Tenants.Add(NewTenant(prefix)); // the same slug: refused
        var seenBySaved = -1;
        var refusedRan = false;
        saved.AfterSave(() =>
        {
            // Runs after the commit: another connection already sees the row.
            using var check = Factory.CreateDbContext();
            seenBySaved = check.Tenants.Count(t => t.Slug == prefix);
        });
        refused.AfterSave(() => refusedRan = true);

        Task[] saves;
        using (await Gate.EnterAsync(CancellationToken.None))
        {
            saves = [Gate.SaveAsync(saved), Gate.SaveAsync(refused)];
            await Task.Delay(50);
            Assert.Equal(-1, seenBySaved);
        }

        await saves[0];
        await Assert.ThrowsAsync<DbUpdateException>(() => saves[1]);
        Assert.Equal(1, seenBySaved);
        Assert.False(refusedRan);

        // The failed unit's action is gone: saving the corrected unit does not run it either.
        refused.Tenants.Local.Single().Slug = prefix + "-b";
        await Gate.SaveAsync(refused);
        Assert.False(refusedRan);
    }

    private static readonly Guid Agent = Guid.NewGuid();

    private static (Conversation, Message[]) NewTurn(Guid tenantId)
    {
        var at = new DateTime(2026, 11, 30, 9, 8, 7, DateTimeKind.Utc).AddTicks(7654321);
        var conversation = new Conversation
        {
            Id = Guid.CreateVersion7(),
            TenantId = tenantId,
            CustomerId = "customer-7",
            AssignedAgentId = Agent,
            Title = "Refund for order 1234",
            Metadata = """{"source":"test","n":1.5}""",
            MessageCount = 2,
            LastSequence = 2,
            CreatedAt = at,
            UpdatedAt = at,
            LastMessageAt = at,
        };
        Message NewMessage(int sequence, string type) => new()
        {
            Id = Guid.CreateVersion7(),
            TenantId = tenantId,
            ConversationId = conversation.Id,
            Sequence = sequence,
            MessageType = type,
            Content = "Ünïcode, 'quotes' and \"double quotes\" " + sequence,
            Intent = type == MessageTypes.User ? "refund" : null,
            Confidence = type == MessageTypes.User ? 0.8125 : null,
            Entities = """[{"type":"order_id","value":"1234"}]""",
            ResponseTimeMs = type == MessageTypes.Bot ? 12.345 : null,
            Cached = type == MessageTypes.Bot,
            TokensUsed = 17,
            CreatedAt = at.AddTicks(sequence),
        };
        return (conversation, [NewMessage(1, MessageTypes.User), NewMessage(2, MessageTypes.Bot)]);
    }

    /// <summary>Both rows as SQLite stores them (types included), equal in every column but their ids; returns the second.</summary>
    private static Dictionary<string, object?> AssertSameRow(string connectionString, string table, Guid expectedId, Guid actualId)
    {
        var expected = ReadRow(connectionString, table, expectedId);
        var actual = ReadRow(connectionString, table, actualId);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var column in expected.Keys.Where(c => c is not "id" and not "conversation_id"))
        {
            Assert.True(Equals(expected[column], actual[column]), $"{table}.{column}: EF stored {expected[column]} ({expected[column]?.GetType().Name}), the row writer {actual[column]} ({actual[column]?.GetType().Name})");
        }

        return actual;
    }

    private static Dictionary<string, object?> ReadRow(string connectionString, string table, Guid id)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM {table} WHERE id = $id";
        command.Parameters.AddWithValue("$id", id.ToString().ToUpperInvariant());
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read(), $"no {table} row {id}");
        var row = new Dictionary<string, object?>();
        for (var i = 0; i < reader.FieldCount; i++)
        {
            row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        }

        Assert.Equal(id.ToString().ToUpperInvariant(), row["id"]);
        return row;
    }

    private static Tenant NewTenant(string slug) => new()
    {
        Id = Guid.NewGuid(),
        Name = slug,
        Slug = slug,
        CreatedAt = DateTime.UtcNow,
        UpdatedAt = DateTime.UtcNow,
    };
}
