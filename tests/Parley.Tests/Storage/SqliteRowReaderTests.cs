using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.ConversationModel;
using Parley.Server.Conversations;
using Parley.Server.Knowledge;
using Parley.Server.Storage;
using Parley.Server.Tenants;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Storage;

/// <summary>
/// The SQLite row reader (<see cref="SqliteRowReader"/>) that chat turns read their conversation
/// with: it gives what EF's tracking query gives, and never a row of another tenant or, with a
/// column condition, another customer's.
/// </summary>
public sealed class SqliteRowReaderTests : IAsyncLifetime
{
    private readonly SqliteApp _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task It_reads_what_EF_reads_attached_unchanged_and_only_inside_the_tenant_and_the_condition()
    {
        var reader = _app.Services.GetRequiredService<SqliteRowReader>();
        var factory = _app.Services.GetRequiredService<IDbContextFactory<ParleyDb>>();
        var tenant = await NewTenantAsync(factory);
        var other = await NewTenantAsync(factory);
        var customer = Guid.NewGuid();
        var conversation = new Conversation
        {
            Id = Guid.CreateVersion7(),
            TenantId = tenant,
            CustomerId = "customer-9",
            AssistantId = Guid.NewGuid(),
            Title = "Ünïcode \"title\"",
            Channel = Channels.Email,
            Status = ConversationStatus.Escalated,
            Metadata = """{"a":[1,2]}""",
            MessageCount = 7,
            LastSequence = 9,
            LowConfidenceStreak = 2,
            CreatedAt = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234567),
            UpdatedAt = new DateTime(2026, 1, 2, 3, 4, 6, DateTimeKind.Utc),
            LastMessageAt = new DateTime(2026, 1, 2, 3, 4, 7, DateTimeKind.Utc).AddTicks(1),
            EscalatedAt = new DateTime(2026, 1, 2, 3, 4, 8, DateTimeKind.Utc),
            EscalationReason = "customer_requested_human",
        };
        await using (var setup = await factory.CreateDbContextAsync())
        {
            setup.Add(conversation);
            await setup.SaveChangesAsync();
        }

        await using var byEf = await factory.CreateDbContextAsync();
        byEf.TenantScope = new FixedTenantScope(tenant);
        var expected = await byEf.Conversations.SingleAsync(c => c.Id == conversation.Id);

        await using var db = await factory.CreateDbContextAsync();
        db.TenantScope = new FixedTenantScope(tenant);
        var read = reader.Find<Conversation>(db, conversation.Id, null, null, out var handled);
        Assert.True(handled);
        Assert.NotNull(read);
        foreach (var property in typeof(Conversation).GetProperties())
        {
            Assert.Equal(property.GetValue(expected), property.GetValue(read));
        }

        Assert.Equal(DateTimeKind.Utc, read.CreatedAt.Kind);
        Assert.Equal(EntityState.Unchanged, db.Entry(read).State);
        // Tracked as a query would leave it: a change is saved.
        read.Title = "Renamed";
        await db.SaveChangesAsync();
        Assert.Equal("Renamed", (await byEf.Conversations.AsNoTracking().SingleAsync(c => c.Id == conversation.Id)).Title);

        // A row the context already tracks is left to EF (which returns the tracked instance).
        Assert.Null(reader.Find<Conversation>(db, conversation.Id, null, null, out handled));
        Assert.False(handled);

        // Another tenant's context, or none, does not see it.
        await using var outsider = await factory.CreateDbContextAsync();
        outsider.TenantScope = new FixedTenantScope(other);
        Assert.Null(reader.Find<Conversation>(outsider, conversation.Id, null, null, out handled));
        Assert.True(handled);
        await using var unscoped = await factory.CreateDbContextAsync();
        Assert.Null(reader.Find<Conversation>(unscoped, conversation.Id, null, null, out handled));

        // A column condition: null matches only null (the conversation has no user), a value only that value.
        await using var customers = await factory.CreateDbContextAsync();
        customers.TenantScope = new FixedTenantScope(tenant);
        Assert.Null(reader.Find<Conversation>(customers, conversation.Id, nameof(Conversation.UserId), customer, out _));
        Assert.NotNull(reader.Find<Conversation>(customers, conversation.Id, nameof(Conversation.UserId), null, out _));
    }

    private static async Task<Guid> NewTenantAsync(IDbContextFactory<ParleyDb> factory)
    {
        await using var db = await factory.CreateDbContextAsync();
        var slug = "rr-" + Guid.NewGuid().ToString("N")[..8];
        var tenant = new Tenant { Id = Guid.NewGuid(), Name = slug, Slug = slug, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
        db.Tenants.Add(tenant);
        await db.SaveChangesAsync();
        return tenant.Id;
    }
}
