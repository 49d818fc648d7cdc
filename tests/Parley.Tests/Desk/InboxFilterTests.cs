using System.Net.Http.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Desk;

/// <summary>The inbox's server-side filters: channel, assistant and intent, on /conversations and /handoff/queue, with search and paging.</summary>
public abstract class InboxFilterTests(ParleyApp app)
{
    [Fact]
    public async Task Conversations_and_the_queue_filter_by_intent_channel_and_assistant()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var agent = await app.CreateUserAsync(admin, "agent");
        var customer = await app.CreateUserAsync(admin);
        var tag = Guid.NewGuid().ToString("N")[..6];

        var greeting = (await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/process", new { message = $"hello there {tag}" }), 200));
        var human = (await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/process", new { message = $"I want to talk to a real person {tag}" }), 200));
        var greetingIntent = greeting.GetProperty("intent").GetString()!;
        var humanIntent = human.GetProperty("intent").GetString()!;
        Assert.NotEqual(greetingIntent, humanIntent);

        var byIntent = await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/conversations?intent={humanIntent}&search={tag}"), 200);
        Assert.Equal(human.GetProperty("session_id").GetGuid(), Assert.Single(byIntent.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        var queued = await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/handoff/queue?intent={humanIntent}&filter[channel]=web"), 200);
        Assert.Contains(queued.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetGuid() == human.GetProperty("session_id").GetGuid());
        var none = await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/handoff/queue?intent={greetingIntent}"), 200);
        Assert.DoesNotContain(none.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetGuid() == human.GetProperty("session_id").GetGuid());

        var wrongChannel = await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/conversations?filter[channel]=email&search={tag}"), 200);
        Assert.Equal(0, wrongChannel.GetProperty("total").GetInt32());
        var noAssistant = await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/conversations?assistant_id={Guid.NewGuid()}&search={tag}"), 200);
        Assert.Equal(0, noAssistant.GetProperty("total").GetInt32());
        await Json.ReadErrorAsync(await agent.Client.GetAsync("/api/v1/conversations?filter[intent]=x"), 400, "INVALID_QUERY");
    }
}

public sealed class SqliteInboxFilterTests(SqliteApp app) : InboxFilterTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresInboxFilterTests(PostgresApp app) : InboxFilterTests(app), IClassFixture<PostgresApp>;
