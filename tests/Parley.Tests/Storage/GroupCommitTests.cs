using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
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

    [Fact]
    public async Task Units_waiting_together_share_one_commit_and_a_failing_unit_fails_alone()
    {
        var gate = _app.Services.GetRequiredService<WriteGate>();
        var factory = _app.Services.GetRequiredService<IDbContextFactory<ParleyDb>>();
        var prefix = "gc-" + Guid.NewGuid().ToString("N")[..8];
        await using var first = await factory.CreateDbContextAsync();
        await using var clash = await factory.CreateDbContextAsync();
        await using var third = await factory.CreateDbContextAsync();
        first.Tenants.Add(NewTenant(prefix + "-a"));
        clash.Tenants.Add(NewTenant(prefix + "-a")); // the same slug: the unique index refuses it
        third.Tenants.Add(NewTenant(prefix + "-c"));

        var commitsBefore = gate.Commits;
        Task[] saves;
        // While the gate is held nothing commits, so all three queue and go into one batch.
        using (await gate.EnterAsync(CancellationToken.None))
        {
            saves = [gate.SaveAsync(first), gate.SaveAsync(clash), gate.SaveAsync(third)];
            await Task.Delay(100);
            Assert.All(saves, s => Assert.False(s.IsCompleted));
        }

        await saves[0];
        await Assert.ThrowsAsync<DbUpdateException>(() => saves[1]);
        await saves[2];
        Assert.Equal(commitsBefore + 1, gate.Commits);

        await using var check = await factory.CreateDbContextAsync();
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
        await gate.SaveAsync(clash);
        Assert.Equal(3, await check.Tenants.CountAsync(t => t.Slug.StartsWith(prefix)));
    }

    [Fact]
    public async Task Many_concurrent_units_are_all_stored_with_fewer_commits_than_units()
    {
        var gate = _app.Services.GetRequiredService<WriteGate>();
        var factory = _app.Services.GetRequiredService<IDbContextFactory<ParleyDb>>();
        var prefix = "gm-" + Guid.NewGuid().ToString("N")[..8];
        var contexts = new List<ParleyDb>();
        for (var i = 0; i < 200; i++)
        {
            var db = await factory.CreateDbContextAsync();
            db.Tenants.Add(NewTenant($"{prefix}-{i}"));
            contexts.Add(db);
        }

        var commitsBefore = gate.Commits;
        Task[] saves;
        using (await gate.EnterAsync(CancellationToken.None))
        {
            saves = contexts.Select(gate.SaveAsync).ToArray();
        }

        await Task.WhenAll(saves);
        var commits = gate.Commits - commitsBefore;
        Assert.InRange(commits, (200 + WriteGate.MaxBatch - 1) / WriteGate.MaxBatch, 199);
        await using var check = await factory.CreateDbContextAsync();
        Assert.Equal(200, await check.Tenants.CountAsync(t => t.Slug.StartsWith(prefix)));
        foreach (var db in contexts)
        {
            await db.DisposeAsync();
        }
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
