using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Parley.Tests.Infrastructure;
using Parley.Tests.Knowledge;
using Parley.Tests.Tasks;
using Parley.Tests.Webhooks;

namespace Parley.Tests.Identity;

/// <summary>
/// The <c>own</c> cells of the role table in docs/security.md: what a plain user may now do
/// (every reference document but the Integration Platform's gives it to every user) reaches only
/// their own data, while agents and admins see the whole tenant. A foreign id answers 404, never 403.
/// </summary>
public abstract class RoleOwnershipTests(ParleyApp app)
{
    private async Task<(TestUser Admin, TestUser Agent, TestUser Mine, TestUser Other)> TenantAsync()
    {
        var admin = await app.CreateTenantWithAdminAsync("Owners");
        return (admin, await app.CreateUserAsync(admin, "agent"), await app.CreateUserAsync(admin), await app.CreateUserAsync(admin));
    }

    private static async Task<List<Guid>> IdsAsync(TestUser caller, string path)
        => (await Json.ReadAsync(await caller.Client.GetAsync(path), 200)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();

    [Fact]
    public async Task A_user_creates_assistants_of_their_own()
    {
        var (admin, agent, mine, other) = await TenantAsync();
        var created = await Json.ReadAsync(await mine.Client.PostAsJsonAsync("/api/v1/assistants", new { name = "My helper", system_prompt = "Be brief." }), 201);
        var id = created.GetProperty("id").GetGuid();

        await Json.ReadAsync(await mine.Client.GetAsync($"/api/v1/assistants/{id}"), 200);
        await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/assistants/{id}"), 200);
        await Json.ReadErrorAsync(await other.Client.GetAsync($"/api/v1/assistants/{id}"), 404);
        await Json.ReadErrorAsync(await other.Client.PutAsJsonAsync($"/api/v1/assistants/{id}", new { name = "Taken" }), 404);
        await Json.ReadErrorAsync(await other.Client.DeleteAsync($"/api/v1/assistants/{id}"), 404);
        await Json.ReadErrorAsync(await other.Client.PostAsJsonAsync("/api/v1/conversations", new { assistant_id = id }), 404);

        Assert.Contains(id, await IdsAsync(mine, "/api/v1/assistants"));
        Assert.Contains(id, await IdsAsync(admin, "/api/v1/assistants"));
        var othersView = await IdsAsync(other, "/api/v1/assistants");
        Assert.DoesNotContain(id, othersView);
        var shared = Assert.Single(othersView);

        // The tenant's shared assistants are read-only to a user, and the default is a tenant setting.
        await Json.ReadErrorAsync(await mine.Client.PutAsJsonAsync($"/api/v1/assistants/{shared}", new { name = "Mine now" }), 403);
        await Json.ReadErrorAsync(await mine.Client.PostAsJsonAsync("/api/v1/assistants", new { name = "Default", is_default = true }), 403);
        await Json.ReadErrorAsync(await mine.Client.PutAsJsonAsync($"/api/v1/assistants/{id}", new { is_default = true }), 403);

        await Json.ReadAsync(await mine.Client.PutAsJsonAsync($"/api/v1/assistants/{id}", new { name = "Renamed" }), 200);
        await Json.ReadAsync(await mine.Client.PostAsJsonAsync("/api/v1/conversations", new { assistant_id = id }), 201);
        Assert.Equal(204, (int)(await mine.Client.DeleteAsync($"/api/v1/assistants/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_users_webhook_hears_only_events_of_their_own_resources()
    {
        var (admin, agent, mine, other) = await TenantAsync();
        var hook = await Json.ReadAsync(await mine.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/mine", events = new[] { "conversation.created" } }), 201);
        var id = hook.GetProperty("id").GetGuid();
        var adminHook = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = "http://127.0.0.1:9/all", events = new[] { "conversation.created" } }), 201);

        await Json.ReadErrorAsync(await other.Client.GetAsync($"/api/v1/webhooks/{id}"), 404);
        await Json.ReadErrorAsync(await other.Client.DeleteAsync($"/api/v1/webhooks/{id}"), 404);
        await Json.ReadErrorAsync(await other.Client.GetAsync($"/api/v1/webhooks/{id}/deliveries"), 404);
        await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/webhooks/{id}"), 200);
        Assert.Equal([id], await IdsAsync(mine, "/api/v1/webhooks"));
        Assert.Empty(await IdsAsync(other, "/api/v1/webhooks"));
        Assert.Equal(2, (await IdsAsync(admin, "/api/v1/webhooks")).Count);

        var theirs = (await Json.ReadAsync(await other.Client.PostAsJsonAsync("/api/v1/conversations", new { }), 201)).GetProperty("id").GetGuid();
        var ours = (await Json.ReadAsync(await mine.Client.PostAsJsonAsync("/api/v1/conversations", new { }), 201)).GetProperty("id").GetGuid();

        // Outbox rows are written with the conversation, so both are there once the POSTs have answered.
        var delivered = (await Json.ReadAsync(await mine.Client.GetAsync($"/api/v1/webhooks/{id}/deliveries"), 200)).GetProperty("items").EnumerateArray().ToList();
        var only = Assert.Single(delivered);
        Assert.Contains(ours.ToString(), only.GetProperty("payload").GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(theirs.ToString(), only.GetProperty("payload").GetRawText(), StringComparison.Ordinal);
        var all = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/webhooks/{adminHook.GetProperty("id").GetGuid()}/deliveries"), 200);
        Assert.Equal(2, all.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_user_sees_analytics_and_analyses_of_their_own_conversations()
    {
        var (admin, _, mine, other) = await TenantAsync();
        await TaskSteps.ChatAsync(mine.Client, "I want a refund for my order");
        await TaskSteps.ChatAsync(mine.Client, "hello, what are your opening hours?");
        await TaskSteps.ChatAsync(other.Client, "where is my parcel?");

        var own = await Json.ReadAsync(await mine.Client.GetAsync("/api/v1/analytics/conversations"), 200);
        Assert.Equal(2, own.GetProperty("total_conversations").GetInt64());
        Assert.Equal(1, own.GetProperty("active_users").GetInt64());
        Assert.Equal("own", own.GetProperty("scope").GetString());
        Assert.Equal(3, (await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/analytics/conversations"), 200)).GetProperty("total_conversations").GetInt64());

        // The Three-Database Chatbot's own example body: no data source, so the caller's conversations.
        var task = await TaskSteps.SubmitAsync(mine.Client, "/api/v1/tasks/analyze", new { description = "Market analysis for 2025" });
        Assert.Equal("completed", (await TaskSteps.WaitAsync(mine.Client, task)).GetProperty("status").GetString());
        var results = await Json.ReadAsync(await mine.Client.GetAsync($"/api/v1/tasks/{task}/results"), 200);
        Assert.Equal(2, results.GetProperty("results").GetProperty("quantitative_results").GetProperty("total_conversations").GetInt64());
        await TaskSteps.SubmitAsync(mine.Client, "/api/v1/tasks/research", new { topic = "Latest trends in artificial intelligence", scope = "comprehensive", sources = new[] { "academic", "industry", "news" } });
    }

    [Fact]
    public async Task A_users_uploaded_file_is_theirs_and_an_agent_writes_the_knowledge_base()
    {
        var (_, agent, mine, other) = await TenantAsync();
        var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes("My warranty code is QX-7781 for the blue kettle.")), "file", "notes.txt" } };
        var accepted = await Json.ReadAsync(await mine.Client.PostAsync("/api/v1/files/upload", form), 202);
        var id = accepted.GetProperty("id").GetGuid();
        await KnowledgeWait.ReadyAsync(mine, accepted);

        await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/knowledge/sources/{id}"), 200);
        await Json.ReadErrorAsync(await other.Client.GetAsync($"/api/v1/knowledge/sources/{id}"), 404);
        await Json.ReadErrorAsync(await other.Client.DeleteAsync($"/api/v1/knowledge/sources/{id}"), 404);
        Assert.DoesNotContain(id, await IdsAsync(other, "/api/v1/knowledge/sources"));
        Assert.Contains(id, await IdsAsync(mine, "/api/v1/knowledge/sources"));
        Assert.Equal(0, await SearchCountAsync(other, "QX-7781"));
        Assert.True(await SearchCountAsync(mine, "QX-7781") >= 1);
        Assert.True(await SearchCountAsync(agent, "QX-7781") >= 1);

        // HeliosCS: agents curate the knowledge base; a user's write to a shared source is refused.
        var faq = await Json.ReadAsync(await agent.Client.PostAsJsonAsync("/api/v1/knowledge/sources", new { name = "FAQ", type = "faq", faqs = new[] { new { question = "Opening hours?", answer = "9 to 5." } } }), 202);
        await Json.ReadErrorAsync(await mine.Client.DeleteAsync($"/api/v1/knowledge/sources/{faq.GetProperty("id").GetGuid()}"), 403);
        Assert.Equal(204, (int)(await mine.Client.DeleteAsync($"/api/v1/knowledge/sources/{id}")).StatusCode);
    }

    private static async Task<int> SearchCountAsync(TestUser user, string q)
        => (await Json.ReadAsync(await user.Client.GetAsync($"/api/v1/knowledge/search?q={Uri.EscapeDataString(q)}"), 200)).GetProperty("total").GetInt32();
}

public sealed class SqliteRoleOwnershipTests(WebhookSqliteApp app) : RoleOwnershipTests(app), IClassFixture<WebhookSqliteApp>;

public sealed class PostgresRoleOwnershipTests(WebhookPostgresApp app) : RoleOwnershipTests(app), IClassFixture<WebhookPostgresApp>;
