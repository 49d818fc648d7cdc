using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Storage;
using Parley.Server.Tools;
using Parley.Tests.Infrastructure;
using Parley.Tests.Integrations;
using Parley.Tests.Realtime;

namespace Parley.Tests.Tools;

public abstract class ToolsTests(LoopbackToolsApp app, FakeJiraServer jira, FakeGitHubServer github)
{
    private async Task<JsonElement> CustomToolAsync(TestUser admin, string id = "get_issue")
        => await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/tools", new
        {
            id,
            name = "Get issue",
            description = "Reads one issue",
            category = "support",
            method = "GET",
            url_template = github.Url($"/repos/{FakeGitHubServer.Owner}/{FakeGitHubServer.Repo}/issues/{{number}}"),
            parameters = new
            {
                number = new { type = "integer", required = true, description = "Issue number" },
                note = new { type = "string", description = "Free text" },
            },
            secret_header = new { name = "Authorization", value = "Bearer " + FakeGitHubServer.Token },
        }), 201);

    private static Task<HttpResponseMessage> ExecuteAsync(TestUser user, string tool, object arguments, Guid? conversationId = null)
        => user.Client.PostAsJsonAsync($"/api/v1/tools/{tool}/execute", new { arguments, conversation_id = conversationId });

    [Fact]
    public async Task The_registry_lists_built_ins_and_the_actions_of_active_integrations()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var user = await app.CreateUserAsync(admin);
        var before = await Json.ReadAsync(await user.Client.GetAsync("/api/v1/tools"), 200);
        var ids = before.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetString()).ToList();
        Assert.Contains("knowledge_search", ids);
        Assert.DoesNotContain("jira_search_issues", ids);
        await Json.ReadErrorAsync(await user.Client.GetAsync("/api/v1/tools/jira_search_issues"), 404);

        await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/integrations", IntegrationsTests.JiraBody(jira.Url())), 201);
        var after = await Json.ReadAsync(await user.Client.GetAsync("/tools?category=integration"), 200);
        var jiraTools = after.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetString()).ToList();
        Assert.Equal(["jira_search_issues", "jira_get_issue", "jira_create_issue", "jira_add_comment"], jiraTools);

        var search = await Json.ReadAsync(await user.Client.GetAsync("/api/v1/tools/jira_search_issues"), 200);
        Assert.Equal("integration", search.GetProperty("category").GetString());
        var parameters = search.GetProperty("parameters");
        Assert.Equal("object", parameters.GetProperty("type").GetString());
        Assert.Equal("jql", parameters.GetProperty("required")[0].GetString());
        var knowledge = await Json.ReadAsync(await user.Client.GetAsync("/api/v1/tools/knowledge_search"), 200);
        Assert.Equal("query", knowledge.GetProperty("parameters").GetProperty("required")[0].GetString());
    }

    [Fact]
    public async Task A_custom_tool_runs_with_its_secret_header_and_every_call_is_logged_redacted()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var created = await CustomToolAsync(admin);
        Assert.Equal("get_issue", created.GetProperty("id").GetString());
        Assert.True(created.GetProperty("has_secret_header").GetBoolean());
        Assert.Equal("Authorization", created.GetProperty("secret_header_name").GetString());
        Assert.Equal("number", created.GetProperty("parameters").GetProperty("required")[0].GetString());
        Assert.DoesNotContain(FakeGitHubServer.Token, created.ToString());
        Assert.DoesNotContain(FakeGitHubServer.Token, await (await admin.Client.GetAsync("/api/v1/tools/get_issue")).Content.ReadAsStringAsync());
        Assert.DoesNotContain(FakeGitHubServer.Token, await (await admin.Client.GetAsync("/api/v1/tools")).Content.ReadAsStringAsync());

        var agent = await app.CreateUserAsync(admin, "agent");
        var run = await Json.ReadAsync(await ExecuteAsync(agent, "get_issue", new { number = 42, note = "customer is jane.doe@example.com" }), 200);
        Assert.True(run.GetProperty("success").GetBoolean(), run.ToString());
        Assert.Equal("Crash when exporting CSV", run.GetProperty("data").GetProperty("title").GetString());
        var upstream = github.Requests.Last(r => r.Path.EndsWith("/issues/42", StringComparison.Ordinal));
        Assert.Equal("Bearer " + FakeGitHubServer.Token, upstream.Authorization);
        Assert.Contains("note=", upstream.Query);

        var calls = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/tools/calls?filter[tool_id]=get_issue"), 200);
        var call = calls.GetProperty("items").EnumerateArray().Single();
        Assert.Equal("api", call.GetProperty("source").GetString());
        Assert.True(call.GetProperty("success").GetBoolean());
        Assert.Equal(agent.Id, call.GetProperty("user_id").GetGuid());
        Assert.Equal(42, call.GetProperty("arguments").GetProperty("number").GetInt32());
        Assert.DoesNotContain("jane.doe@example.com", call.GetProperty("arguments").GetProperty("note").GetString());
        Assert.True(call.GetProperty("duration_ms").GetDouble() >= 0);

        using var scope = app.Services.CreateScope();
        var stored = await scope.ServiceProvider.GetRequiredService<ParleyDb>().Set<CustomTool>().IgnoreQueryFilters().SingleAsync(t => t.TenantId == admin.TenantId);
        Assert.DoesNotContain(FakeGitHubServer.Token, stored.SecretHeaderValue);
    }

    [Fact]
    public async Task Arguments_that_fail_the_schema_are_refused_before_any_call()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await CustomToolAsync(admin);
        var before = github.Requests.Count;
        var missing = await Json.ReadErrorAsync(await ExecuteAsync(admin, "get_issue", new { note = "x" }), 422);
        Assert.Contains("arguments.number", missing.ToString());
        await Json.ReadErrorAsync(await ExecuteAsync(admin, "get_issue", new { number = "forty-two" }), 422);
        await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/integrations", IntegrationsTests.JiraBody(jira.Url())), 201);
        await Json.ReadErrorAsync(await ExecuteAsync(admin, "jira_get_issue", new { issue_key = "not a key" }), 422);
        await Json.ReadErrorAsync(await ExecuteAsync(admin, "jira_search_issues", new { jql = "x", extra = 1 }), 422);
        Assert.Equal(before, github.Requests.Count);
        var calls = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/tools/calls"), 200);
        Assert.Equal(0, calls.GetProperty("total").GetInt32());
        await Json.ReadErrorAsync(await ExecuteAsync(admin, "no_such_tool", new { }), 404);
    }

    [Fact]
    public async Task Users_cannot_create_or_run_tools_and_custom_tools_are_admin_only()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await CustomToolAsync(admin);
        var user = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");
        var body = new { name = "Mine", method = "GET", url_template = github.Url("/x") };
        await Json.ReadErrorAsync(await user.Client.PostAsJsonAsync("/api/v1/tools", body), 403);
        await Json.ReadErrorAsync(await agent.Client.PostAsJsonAsync("/api/v1/tools", body), 403);
        await Json.ReadErrorAsync(await user.Client.PutAsJsonAsync("/api/v1/tools/get_issue", new { name = "X" }), 403);
        await Json.ReadErrorAsync(await user.Client.DeleteAsync("/api/v1/tools/get_issue"), 403);
        await Json.ReadErrorAsync(await ExecuteAsync(user, "get_issue", new { number = 42 }), 403);
        await Json.ReadErrorAsync(await user.Client.GetAsync("/api/v1/tools/calls"), 403);
        var seen = await Json.ReadAsync(await user.Client.GetAsync("/api/v1/tools/get_issue"), 200);
        Assert.False(seen.TryGetProperty("secret_header_value", out _));

        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/tools", new { id = "knowledge_search", name = "K", method = "GET", url_template = github.Url("/x") }), 409);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/tools", new { id = "get_issue", name = "K", method = "GET", url_template = github.Url("/x") }), 409);
        await Json.ReadErrorAsync(await admin.Client.DeleteAsync("/api/v1/tools/knowledge_search"), 409);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/tools", new { name = "Bad", method = "FETCH", url_template = github.Url("/x") }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/tools", new { name = "Bad", method = "GET", url_template = "http://{host}/x" }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/tools", new { name = "Bad", method = "GET", url_template = github.Url("/x"), parameters = new { type = "object", properties = new { a = new { @ref = "x" } }, definitions = new { b = new Dictionary<string, string> { ["$ref"] = "http://169.254.169.254/schema" } } } }), 422);

        var updated = await Json.ReadAsync(await admin.Client.PutAsJsonAsync("/api/v1/tools/get_issue", new { description = "Reads an issue by number", secret_header_value = "" }), 200);
        Assert.False(updated.GetProperty("has_secret_header").GetBoolean());
        await Json.ReadAsync(await admin.Client.DeleteAsync("/api/v1/tools/get_issue"), 204);
        await Json.ReadErrorAsync(await admin.Client.GetAsync("/api/v1/tools/get_issue"), 404);
    }

    [Fact]
    public async Task A_custom_tool_cannot_be_created_at_or_moved_to_an_address_off_the_allowlist()
    {
        // This app allows 127.0.0.1 (the fakes) and nothing else that is not public.
        var admin = await app.CreateTenantWithAdminAsync();
        var created = await CustomToolAsync(admin);

        var refused = await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/tools",
            new { id = "orders", name = "Orders", method = "GET", url_template = "http://10.0.0.5/orders/{id}" }), 422);
        Assert.Contains("url_template", refused.ToString());
        var moved = await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync("/api/v1/tools/get_issue", new { url_template = "http://169.254.169.254/latest/{number}" }), 422);
        Assert.Contains("url_template", moved.ToString());

        await Json.ReadErrorAsync(await admin.Client.GetAsync("/api/v1/tools/orders"), 404);
        var after = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/tools/get_issue"), 200);
        Assert.Equal(created.GetProperty("url_template").GetString(), after.GetProperty("url_template").GetString());
    }

    [Fact]
    public async Task Another_tenants_tools_are_not_found()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await CustomToolAsync(admin);
        await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/integrations", IntegrationsTests.JiraBody(jira.Url())), 201);
        var stranger = await app.CreateTenantWithAdminAsync("Other");
        await Json.ReadErrorAsync(await stranger.Client.GetAsync("/api/v1/tools/get_issue"), 404);
        await Json.ReadErrorAsync(await ExecuteAsync(stranger, "get_issue", new { number = 42 }), 404);
        await Json.ReadErrorAsync(await stranger.Client.PutAsJsonAsync("/api/v1/tools/get_issue", new { name = "X" }), 404);
        await Json.ReadErrorAsync(await stranger.Client.DeleteAsync("/api/v1/tools/get_issue"), 404);
        // The tenant's Jira is not the stranger's: no integration, no Jira tools.
        await Json.ReadErrorAsync(await ExecuteAsync(stranger, "jira_search_issues", new { jql = "project = PROJ" }), 404);
        var conversation = (await Json.ReadAsync(await admin.Client.PostAsync("/conversations", null), 201)).GetProperty("conversation_id").GetGuid();
        await Json.ReadErrorAsync(await ExecuteAsync(stranger, "knowledge_search", new { query = "x" }, conversation), 404);
    }

    [Fact]
    public async Task Jira_and_github_actions_run_as_tools()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/integrations", IntegrationsTests.JiraBody(jira.Url())), 201);
        await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/integrations", IntegrationsTests.GitHubBody(github.Url())), 201);

        var search = await Json.ReadAsync(await ExecuteAsync(admin, "jira_search_issues", new { jql = "project = PROJ AND statusCategory != Done", max_results = 5 }), 200);
        Assert.Contains("PROJ-1: Login page times out (In Progress)", search.GetProperty("result").GetString());
        Assert.Contains(jira.Requests, r => r.Path == "/rest/api/2/search" && r.Query.Contains("maxResults=5", StringComparison.Ordinal));
        var issue = await Json.ReadAsync(await ExecuteAsync(admin, "jira_get_issue", new { issue_key = "PROJ-1" }), 200);
        Assert.Equal("Grace Hopper", issue.GetProperty("data").GetProperty("assignee").GetString());
        var missing = await Json.ReadAsync(await ExecuteAsync(admin, "jira_get_issue", new { issue_key = "PROJ-999" }), 200);
        Assert.False(missing.GetProperty("success").GetBoolean());
        var created = await Json.ReadAsync(await ExecuteAsync(admin, "jira_create_issue", new { summary = "Printer on fire", description = "Smoke" }), 200);
        Assert.StartsWith("Created Jira issue PROJ-", created.GetProperty("result").GetString());
        Assert.Equal("PROJ", jira.Requests.Last(r => r.Path == "/rest/api/2/issue").Body!["fields"]!["project"]!["key"]!.GetValue<string>());
        var comment = await Json.ReadAsync(await ExecuteAsync(admin, "jira_add_comment", new { issue_key = "PROJ-1", body = "Customer called again" }), 200);
        Assert.True(comment.GetProperty("success").GetBoolean());

        var list = await Json.ReadAsync(await ExecuteAsync(admin, "github_list_issues", new { state = "open" }), 200);
        var numbers = list.GetProperty("data").GetProperty("issues").EnumerateArray().Select(i => i.GetProperty("number").GetInt32()).ToList();
        Assert.Equal([42, 41], numbers);
        var opened = await Json.ReadAsync(await ExecuteAsync(admin, "github_create_issue", new { title = "Export fails", labels = new[] { "bug" } }), 200);
        Assert.StartsWith("Created GitHub issue #", opened.GetProperty("result").GetString());
        var commented = await Json.ReadAsync(await ExecuteAsync(admin, "github_comment_issue", new { number = 42, body = "Seen again" }), 200);
        Assert.True(commented.GetProperty("success").GetBoolean());
        Assert.True((await Json.ReadAsync(await ExecuteAsync(admin, "github_get_issue", new { number = 42 }), 200)).GetProperty("success").GetBoolean());
    }

    [Fact]
    public async Task An_intent_route_runs_jira_search_and_streams_tool_result_to_the_socket()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/integrations", IntegrationsTests.JiraBody(jira.Url())), 201);
        var route = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/tools/routes", new
        {
            intent = "open_jira_tickets",
            keywords = new[] { "jira tickets" },
            tool_id = "jira_search_issues",
            arguments = new { jql = "statusCategory != Done" },
            response_template = "Here are your open Jira tickets:\n{result}",
        }), 201);
        Assert.Equal("jira_search_issues", route.GetProperty("tool_id").GetString());
        var user = await app.CreateUserAsync(admin);
        await Json.ReadErrorAsync(await user.Client.PostAsJsonAsync("/api/v1/tools/routes", new { intent = "x", tool_id = "knowledge_search" }), 403);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/tools/routes", new { intent = "x", tool_id = "nope" }), 422);

        var id = (await Json.ReadAsync(await user.Client.PostAsync("/conversations", null), 201)).GetProperty("conversation_id").GetGuid();
        await using var socket = await SocketClient.ConnectAsync(app, $"/api/v1/chat/ws/{id}", user.AccessToken);
        await socket.NextAsync("connection_established");
        await socket.SendAsync(new { message = "What are my open Jira tickets?", metadata = new { } });
        var toolResult = await socket.NextAsync("tool_result");
        Assert.Equal("jira_search_issues", toolResult.GetProperty("metadata").GetProperty("tool_name").GetString());
        Assert.Equal("completed", toolResult.GetProperty("metadata").GetProperty("status").GetString());
        Assert.Contains("PROJ-1", toolResult.GetProperty("metadata").GetProperty("result").GetString());
        // The tool ran before the answer was written: its result comes before the answer's tokens.
        Assert.DoesNotContain(socket.Seen, e => e.GetProperty("type").GetString() is "token" or "final");
        var final = await socket.NextAsync("final");
        Assert.StartsWith("Here are your open Jira tickets:", final.GetProperty("response").GetString());
        Assert.Contains("PROJ-2: Invoice PDF is blank", final.GetProperty("response").GetString());

        var calls = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/tools/calls?filter[conversation_id]={id}"), 200);
        var call = calls.GetProperty("items").EnumerateArray().Single();
        Assert.Equal("built-in", call.GetProperty("source").GetString());
        Assert.Equal(user.Id, call.GetProperty("user_id").GetGuid());
    }
}

public sealed class SqliteToolsTests(LoopbackToolsApp app, FakeJiraServer jira, FakeGitHubServer github)
    : ToolsTests(app, jira, github), IClassFixture<LoopbackToolsApp>, IClassFixture<FakeJiraServer>, IClassFixture<FakeGitHubServer>;

public sealed class PostgresToolsTests(PostgresLoopbackToolsApp app, FakeJiraServer jira, FakeGitHubServer github)
    : ToolsTests(app, jira, github), IClassFixture<PostgresLoopbackToolsApp>, IClassFixture<FakeJiraServer>, IClassFixture<FakeGitHubServer>;

public sealed class CustomToolAddressTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Theory]
    [InlineData("http://127.0.0.1:9000/orders/{id}")]
    [InlineData("http://169.254.169.254/latest/{path}")]
    public async Task A_custom_tool_at_a_private_address_is_refused_unless_allowlisted(string url)
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var refused = await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/tools", new { name = "Orders", method = "GET", url_template = url }), 422);
        Assert.Contains("url_template", refused.ToString());
    }
}
