using System.Net.Http.Json;
using Parley.Tests.Infrastructure;
using Parley.Tests.Tasks;

namespace Parley.Tests.Plans;

/// <summary>Plans with tiny free limits: 4 messages a month, 2 background tasks a month.</summary>
public abstract class QuotaTests(TaskApp app)
{
    [Fact]
    public async Task Messages_over_the_monthly_quota_get_429_with_limit_and_reset_and_one_warning_at_80_percent()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var session = (await TaskSteps.ChatAsync(customer.Client, "hello")).GetProperty("session_id").GetGuid();
        for (var i = 0; i < 3; i++)
        {
            await TaskSteps.ChatAsync(customer.Client, "question " + i, session);
        }

        var conversationsBefore = (await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/conversations"), 200)).GetProperty("total").GetInt64();
        var refused = await customer.Client.PostAsJsonAsync("/api/v1/chat/message", new { message = "one too many" });
        var body = await Json.ReadErrorAsync(refused, 429, "QUOTA_EXCEEDED");
        var quota = body.GetProperty("quota");
        Assert.Equal("messages", quota.GetProperty("metric").GetString());
        Assert.Equal(4, quota.GetProperty("limit").GetInt64());
        Assert.Equal(4, quota.GetProperty("used").GetInt64());
        var resetAt = quota.GetProperty("reset_at").GetDateTime();
        Assert.Equal(1, resetAt.Day);
        Assert.True(resetAt > DateTime.UtcNow);
        Assert.True(long.Parse(refused.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Contains(body.GetProperty("error").GetProperty("details").EnumerateArray(), d => d.GetProperty("field").GetString() == "limit" && d.GetProperty("message").GetString() == "4");
        // Refused before anything was written: no new conversation.
        Assert.Equal(conversationsBefore, (await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/conversations"), 200)).GetProperty("total").GetInt64());
        await Json.ReadErrorAsync(await customer.Client.PostAsJsonAsync($"/api/v1/conversations/{session}/messages", new { message = "again" }), 429, "QUOTA_EXCEEDED");

        var dashboard = await Json.ReadAsync(await customer.Client.GetAsync("/api/v1/auth/dashboard"), 200);
        var usage = dashboard.GetProperty("usage");
        Assert.Equal(4, usage.GetProperty("messages_this_month").GetInt64());
        Assert.Equal(0, usage.GetProperty("quota_remaining").GetInt64());
        Assert.Equal(4, usage.GetProperty("limits").GetProperty("messages").GetInt64());
        Assert.Equal(2, usage.GetProperty("limits").GetProperty("background_tasks").GetInt64());
        Assert.Equal("free", dashboard.GetProperty("user").GetProperty("subscription_plan").GetString());
        await Json.ReadAsync(await admin.Client.GetAsync("/auth/dashboard"), 200);

        var warning = Assert.Single(app.Sink.Of(admin.TenantId, "quota.warning"));
        Assert.Equal("messages", warning.GetProperty("metric").GetString());
        Assert.Equal(4, warning.GetProperty("limit").GetInt64());
        Assert.True(warning.GetProperty("used").GetInt64() >= 4 * 0.8);

        // A platform admin moves the tenant to pro: the next message goes through.
        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync($"/api/v1/tenants/{admin.TenantId}/plan", new { plan = "pro" }), 403);
        await Json.ReadErrorAsync(await app.Admin.Client.PutAsJsonAsync($"/api/v1/tenants/{admin.TenantId}/plan", new { plan = "platinum" }), 422);
        await Json.ReadErrorAsync(await app.Admin.Client.PutAsJsonAsync($"/api/v1/tenants/{Guid.NewGuid()}/plan", new { plan = "pro" }), 404);
        var changed = await Json.ReadAsync(await app.Admin.Client.PutAsJsonAsync($"/api/v1/tenants/{admin.TenantId}/plan", new { subscription_plan = "pro" }), 200);
        Assert.Equal("pro", changed.GetProperty("subscription_plan").GetString());
        await TaskSteps.ChatAsync(customer.Client, "now it works", session);
        var after = await Json.ReadAsync(await customer.Client.GetAsync("/api/v1/auth/dashboard"), 200);
        Assert.Equal(5, after.GetProperty("usage").GetProperty("messages_this_month").GetInt64());
        Assert.Equal("pro", after.GetProperty("usage").GetProperty("plan").GetString());
    }

    [Fact]
    public async Task Background_tasks_over_the_monthly_quota_get_429_and_other_tenants_are_unaffected()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await TaskSteps.SubmitAsync(admin.Client, "/api/v1/tasks/research", new { topic = "refunds" });
        await TaskSteps.SubmitAsync(admin.Client, "/api/v1/tasks/research", new { topic = "refund delays" });
        var refused = await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/tasks/research", new { topic = "more" }), 429, "QUOTA_EXCEEDED");
        Assert.Equal("background_tasks", refused.GetProperty("quota").GetProperty("metric").GetString());
        Assert.Equal(2, (await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/tasks"), 200)).GetProperty("total").GetInt64());

        var other = await app.CreateTenantWithAdminAsync();
        await TaskSteps.SubmitAsync(other.Client, "/api/v1/tasks/research", new { topic = "refunds" });
        var dashboard = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/auth/dashboard"), 200);
        Assert.Equal(2, dashboard.GetProperty("usage").GetProperty("background_tasks_this_month").GetInt64());
        Assert.True(dashboard.GetProperty("usage").GetProperty("api_calls_today").GetInt64() >= 4);
    }

    [Fact]
    public async Task The_dashboard_shows_the_callers_profile_sessions_and_conversations()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        await TaskSteps.ChatAsync(customer.Client, "hello there");
        var dashboard = await Json.ReadAsync(await customer.Client.GetAsync("/api/v1/auth/dashboard"), 200);
        Assert.Equal(customer.Id, dashboard.GetProperty("user").GetProperty("id").GetGuid());
        Assert.Equal(customer.Email, dashboard.GetProperty("user").GetProperty("email").GetString());
        Assert.True(dashboard.GetProperty("user").GetProperty("is_active").GetBoolean());
        Assert.Equal(1, dashboard.GetProperty("sessions").GetProperty("active_sessions").GetInt32());
        Assert.Equal(1, dashboard.GetProperty("conversations").GetProperty("total_conversations").GetInt64());
        Assert.Single(dashboard.GetProperty("conversations").GetProperty("recent_activity").EnumerateArray());
        Assert.Equal(3, dashboard.GetProperty("usage").GetProperty("quota_remaining").GetInt64());
        await Json.ReadErrorAsync(await app.Anonymous().GetAsync("/api/v1/auth/dashboard"), 401);
        var plans = await Json.ReadAsync(await customer.Client.GetAsync("/api/v1/plans"), 200);
        Assert.Equal(new[] { "free", "pro", "enterprise" }, plans.EnumerateArray().Select(p => p.GetProperty("name").GetString()));
    }
}

public sealed class QuotaSqliteApp : TaskApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Extra() => QuotaSettings.Tiny;
}

public sealed class QuotaPostgresApp : TaskApp
{
    public string ConnectionString { get; } = PostgresDatabases.Create();

    protected override IEnumerable<KeyValuePair<string, string?>> Extra() => [.. QuotaSettings.Tiny, new("Parley:Database:Postgres", ConnectionString)];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        PostgresDatabases.Drop(ConnectionString);
    }
}

internal static class QuotaSettings
{
    // A flush interval of an hour: only the dashboard's own flush writes usage during a test.
    public static readonly KeyValuePair<string, string?>[] Tiny =
        [new("Parley:Plans:Free:MessagesPerMonth", "4"), new("Parley:Plans:Free:BackgroundTasksPerMonth", "2"), new("Parley:Plans:FlushSeconds", "3600")];
}

public sealed class SqliteQuotaTests(QuotaSqliteApp app) : QuotaTests(app), IClassFixture<QuotaSqliteApp>;

public sealed class PostgresQuotaTests(QuotaPostgresApp app) : QuotaTests(app), IClassFixture<QuotaPostgresApp>;
