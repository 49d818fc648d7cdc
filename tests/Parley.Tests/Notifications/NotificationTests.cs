using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Infrastructure.Events;
using Parley.Server.Storage;
using Parley.Tests.Infrastructure;
using Parley.Tests.Realtime;

namespace Parley.Tests.Notifications;

/// <summary>Notifications made from domain events, listed and marked read per user, pushed live on /ws.</summary>
public abstract class NotificationTests(ParleyApp app)
{
    /// <summary>Raises an event the way the features that own it do (tasks, tickets, quotas): into a unit of work, then saved.</summary>
    private async Task RaiseAsync(Guid tenantId, string type, object data)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
        await scope.ServiceProvider.GetRequiredService<DomainEvents>().RaiseAsync(db, tenantId, type, data, CancellationToken.None);
        await db.SaveChangesAsync();
    }

    private static async Task<JsonElement> ListAsync(TestUser user, string query = "")
        => await Json.ReadAsync(await user.Client.GetAsync("/notifications" + query), 200);

    [Fact]
    public async Task A_finished_task_notifies_its_owner_only_and_can_be_marked_read()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var owner = await app.CreateUserAsync(admin, "user");
        var other = await app.CreateUserAsync(admin, "user");
        var taskId = Guid.NewGuid();
        await RaiseAsync(admin.TenantId, EventTypes.TaskCompleted, new { task_id = taskId, user_id = owner.Id, task_type = "analysis", status = "completed" });

        var list = await ListAsync(owner, "?limit=10");
        Assert.Equal(1, list.GetProperty("total_count").GetInt32());
        Assert.Equal(1, list.GetProperty("unread_count").GetInt32());
        var notification = list.GetProperty("notifications")[0];
        Assert.Equal("success", notification.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(notification.GetProperty("title").GetString()));
        Assert.Contains("analysis", notification.GetProperty("message").GetString());
        Assert.Equal(taskId, notification.GetProperty("data").GetProperty("task_id").GetGuid());
        Assert.False(notification.GetProperty("read").GetBoolean());
        Assert.True(notification.TryGetProperty("created_at", out _));

        Assert.Equal(0, (await ListAsync(other)).GetProperty("total_count").GetInt32());
        Assert.Equal(0, (await ListAsync(admin)).GetProperty("total_count").GetInt32());

        // Someone else's id is not theirs to mark.
        var id = notification.GetProperty("id").GetString();
        var foreign = await Json.ReadAsync(await other.Client.PostAsJsonAsync("/notifications/mark-read", new { notification_ids = new[] { id } }), 200);
        Assert.Equal(0, foreign.GetProperty("marked_read").GetInt32());
        Assert.Equal(1, (await ListAsync(owner)).GetProperty("unread_count").GetInt32());

        var marked = await Json.ReadAsync(await owner.Client.PostAsJsonAsync("/api/v1/notifications/mark-read", new { notification_ids = new[] { "notif_" + id } }), 200);
        Assert.Equal(1, marked.GetProperty("marked_read").GetInt32());
        var after = await ListAsync(owner);
        Assert.Equal(0, after.GetProperty("unread_count").GetInt32());
        Assert.Equal(1, after.GetProperty("total_count").GetInt32());
        Assert.True(after.GetProperty("notifications")[0].GetProperty("read").GetBoolean());
    }

    [Fact]
    public async Task Failures_quota_warnings_and_ticket_assignments_reach_the_right_user()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var user = await app.CreateUserAsync(admin, "user");
        var agent = await app.CreateUserAsync(admin, "agent");
        await RaiseAsync(admin.TenantId, "task.failed", new { task_id = Guid.NewGuid(), user_id = user.Id, task_type = "research", status = "failed", error = "no sources" });
        await RaiseAsync(admin.TenantId, "quota.warning", new { user_id = user.Id, metric = "messages", used = 80, limit = 100, reset_at = DateTime.UtcNow.AddDays(3) });
        var ticketId = Guid.NewGuid();
        await RaiseAsync(admin.TenantId, EventTypes.TicketCreated, new { ticket_id = ticketId, title = "Refund", status = "open", priority = "high", assignee_id = agent.Id });
        // Same assignee again: not a new assignment.
        await RaiseAsync(admin.TenantId, EventTypes.TicketUpdated, new { ticket_id = ticketId, title = "Refund", status = "pending", priority = "high", assignee_id = agent.Id, previous_assignee_id = agent.Id });
        // A user of another tenant named in this tenant's event gets nothing.
        var outsider = await app.CreateTenantWithAdminAsync("Other");
        await RaiseAsync(admin.TenantId, "quota.warning", new { user_id = outsider.Id, metric = "messages", used = 8, limit = 10, reset_at = DateTime.UtcNow });

        var mine = (await ListAsync(user)).GetProperty("notifications").EnumerateArray().ToList();
        Assert.Equal(2, mine.Count);
        Assert.Contains(mine, n => n.GetProperty("type").GetString() == "error" && n.GetProperty("message").GetString()!.Contains("no sources"));
        Assert.Contains(mine, n => n.GetProperty("type").GetString() == "warning" && n.GetProperty("data").GetProperty("metric").GetString() == "messages");

        var assigned = (await ListAsync(agent)).GetProperty("notifications").EnumerateArray().ToList();
        var single = Assert.Single(assigned);
        Assert.Equal(ticketId, single.GetProperty("data").GetProperty("ticket_id").GetGuid());
        Assert.Equal(0, (await ListAsync(outsider)).GetProperty("total_count").GetInt32());

        // Without ids, everything is marked read.
        var all = await Json.ReadAsync(await user.Client.PostAsync("/notifications/mark-read", null), 200);
        Assert.Equal(2, all.GetProperty("marked_read").GetInt32());
        Assert.Equal(0, (await ListAsync(user)).GetProperty("unread_count").GetInt32());
        Assert.Equal(1, (await ListAsync(agent)).GetProperty("unread_count").GetInt32());
    }

    [Fact]
    public async Task An_escalation_notifies_agents_and_admins_live_and_not_the_customer()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var agent = await app.CreateUserAsync(admin, "agent");
        var customer = await app.CreateUserAsync(admin, "user");
        await using var agentSocket = await SocketClient.ConnectAsync(app, "/ws", agent.AccessToken);
        await agentSocket.NextAsync("connection_established");
        await using var customerSocket = await SocketClient.ConnectAsync(app, "/ws", customer.AccessToken);
        await customerSocket.NextAsync("connection_established");

        var turn = await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/chat/process", new { message = "I want to talk to a real person please" }), 200);
        var conversationId = turn.GetProperty("session_id").GetGuid();

        var pushed = await agentSocket.NextAsync("system_notification");
        Assert.Equal("escalation", pushed.GetProperty("category").GetString());
        Assert.Equal(conversationId, pushed.GetProperty("notification").GetProperty("data").GetProperty("conversation_id").GetGuid());
        Assert.Equal(conversationId, pushed.GetProperty("data").GetProperty("conversation_id").GetGuid());

        var toAgent = Assert.Single((await ListAsync(agent)).GetProperty("notifications").EnumerateArray());
        Assert.Equal(pushed.GetProperty("id").GetString(), toAgent.GetProperty("id").GetString());
        Assert.Equal("warning", toAgent.GetProperty("type").GetString());
        var toAdmin = Assert.Single((await ListAsync(admin)).GetProperty("notifications").EnumerateArray());
        Assert.Equal("escalation", toAdmin.GetProperty("category").GetString());

        Assert.Equal(0, (await ListAsync(customer)).GetProperty("total_count").GetInt32());

        // The customer's socket gets its own notifications and never the staff's: the first one it sees is its own.
        await RaiseAsync(admin.TenantId, EventTypes.TaskCompleted, new { task_id = Guid.NewGuid(), user_id = customer.Id, task_type = "analysis", status = "completed" });
        var own = await customerSocket.NextAsync("system_notification");
        Assert.Equal("task_completed", own.GetProperty("category").GetString());

        // A further turn while escalated is no new escalation.
        await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/chat/process", new { message = "still there? I want a human", session_id = conversationId }), 200);
        Assert.Equal(1, (await ListAsync(agent)).GetProperty("total_count").GetInt32());
    }

    [Fact]
    public async Task Bad_queries_and_bodies_are_refused()
    {
        var user = await app.RegisterAsync();
        await Json.ReadErrorAsync(await user.Client.GetAsync("/notifications?limit=0"), 400);
        await Json.ReadErrorAsync(await user.Client.GetAsync("/notifications?limit=abc"), 400);
        await Json.ReadErrorAsync(await user.Client.GetAsync("/notifications?limit=1000"), 400);
        await Json.ReadErrorAsync(await user.Client.GetAsync("/notifications?unread_only=maybe"), 400);
        await Json.ReadErrorAsync(await user.Client.PostAsync("/notifications/mark-read", new StringContent("{\"notification_ids\": [", Encoding.UTF8, "application/json")), 400);
        await Json.ReadErrorAsync(await user.Client.PostAsJsonAsync("/notifications/mark-read", new { notification_ids = new[] { "not-an-id" } }), 422);
        await Json.ReadErrorAsync(await user.Client.PostAsJsonAsync("/notifications/mark-read", new { notification_ids = "x" }), 422);
        await Json.ReadErrorAsync(await user.Client.PostAsJsonAsync("/notifications/mark-read", new { all = "yes" }), 422);
        await Json.ReadErrorAsync(await app.Anonymous().GetAsync("/notifications"), 401);
    }
}

public sealed class SqliteNotificationTests(SqliteApp app) : NotificationTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresNotificationTests(PostgresApp app) : NotificationTests(app), IClassFixture<PostgresApp>;
