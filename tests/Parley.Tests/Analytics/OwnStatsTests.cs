using System.Text.Json;
using Parley.Tests.Infrastructure;
using Parley.Tests.Tasks;

namespace Parley.Tests.Analytics;

/// <summary>
/// The Three-Database Chatbot's /analytics/stats and /analytics/usage under the roles rule (issue 19): a plain user sees
/// their own slice (<c>"scope": "own"</c>), agents and admins the tenant. Before, a user got the
/// whole tenant's figures (other customers' sessions and messages).
/// </summary>
public abstract class OwnStatsTests(ParleyApp app)
{
    [Fact]
    public async Task A_user_sees_their_own_figures_and_an_agent_the_tenants()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var casey = await app.CreateUserAsync(admin);
        var other = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var session = (await TaskSteps.ChatAsync(casey.Client, "What is Redis?")).GetProperty("session_id").GetGuid();
        await TaskSteps.ChatAsync(casey.Client, "What is Redis?", session);
        for (var i = 0; i < 3; i++)
        {
            await TaskSteps.ChatAsync(other.Client, $"question {i} from someone else");
        }

        var stats = await Json.ReadAsync(await casey.Client.GetAsync("/api/v1/analytics/stats"), 200);
        var global = stats.GetProperty("global_stats");
        Assert.Equal("own", global.GetProperty("scope").GetString());
        Assert.Equal(1, global.GetProperty("total_users").GetInt64());
        Assert.Equal(1, global.GetProperty("total_sessions").GetInt64());
        Assert.Equal(4, global.GetProperty("total_messages").GetInt64());
        Assert.Equal(2, stats.GetProperty("user_stats").GetProperty("messages_sent").GetInt64());

        var usage = await Json.ReadAsync(await casey.Client.GetAsync("/api/v1/analytics/usage?period=7d"), 200);
        Assert.Equal("own", usage.GetProperty("scope").GetString());
        Assert.Equal(1, usage.GetProperty("conversations").GetInt64());
        Assert.Equal(4, usage.GetProperty("messages").GetInt64());
        Assert.Equal(JsonValueKind.Null, usage.GetProperty("api_calls").ValueKind);
        Assert.Equal(7, usage.GetProperty("daily").GetArrayLength());
        Assert.Equal(2, usage.GetProperty("daily").EnumerateArray().Sum(d => d.GetProperty("user_messages").GetInt64()));

        foreach (var staff in new[] { agent, admin })
        {
            var tenant = (await Json.ReadAsync(await staff.Client.GetAsync("/analytics/stats"), 200)).GetProperty("global_stats");
            Assert.Equal("tenant", tenant.GetProperty("scope").GetString());
            Assert.Equal(4, tenant.GetProperty("total_sessions").GetInt64());
            Assert.True(tenant.GetProperty("total_users").GetInt64() >= 4);
            var tenantUsage = await Json.ReadAsync(await staff.Client.GetAsync("/analytics/usage?period=7d"), 200);
            Assert.Equal("tenant", tenantUsage.GetProperty("scope").GetString());
            Assert.Equal(4, tenantUsage.GetProperty("conversations").GetInt64());
        }
    }
}

public sealed class SqliteOwnStatsTests(SqliteApp app) : OwnStatsTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresOwnStatsTests(PostgresApp app) : OwnStatsTests(app), IClassFixture<PostgresApp>;
