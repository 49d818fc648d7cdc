using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Infrastructure;
using Parley.Tests.Integrations;
using Parley.Tests.Llm;

namespace Parley.Tests.Tools;

/// <summary>An LLM app allowed to reach the local fakes, with at most two tool rounds per turn.</summary>
public sealed class ToolLlmApp : LlmAppBase
{
    protected override IEnumerable<KeyValuePair<string, string?>> LlmSettings() =>
    [
        new("Parley:Outbound:Allow:0", "127.0.0.1"),
        new("Parley:Tools:MaxSteps", "2"),
    ];
}

public sealed class LlmToolTests(ToolLlmApp app, FakeJiraServer jira) : IClassFixture<ToolLlmApp>, IClassFixture<FakeJiraServer>
{
    private async Task<TestUser> TenantWithJiraAsync()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/integrations", IntegrationsTests.JiraBody(jira.Url())), 201);
        return admin;
    }

    [Fact]
    public async Task The_model_calls_a_jira_tool_and_answers_from_its_result()
    {
        var admin = await TenantWithJiraAsync();
        var user = await app.CreateUserAsync(admin);
        var scenario = app.Fake.Scenario(
            FakeReply.ToolCalls(new FakeToolCall("call_1", "jira_search_issues", """{"jql":"assignee = currentUser() AND statusCategory != Done"}""")),
            FakeReply.Stream("You have two open tickets: ", "PROJ-1 and PROJ-2."));

        var (turn, bot) = await LlmTurns.AskAsync(user, $"{scenario.Tag} what are my open jira tickets?");
        Assert.Equal("You have two open tickets: PROJ-1 and PROJ-2.", bot.GetProperty("content").GetString());
        Assert.False(bot.IsFallback());
        Assert.Equal(1, bot.Metadata().GetProperty("tool_steps").GetInt32());

        var requests = scenario.Requests.ToList();
        Assert.Equal(2, requests.Count);
        var offered = requests[0].Body.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function")).ToList();
        var search = offered.Single(f => f.GetProperty("name").GetString() == "jira_search_issues");
        Assert.Equal("jql", search.GetProperty("parameters").GetProperty("required")[0].GetString());
        Assert.Contains(offered, f => f.GetProperty("name").GetString() == "knowledge_search");

        var followUp = requests[1].Body.GetProperty("messages").EnumerateArray().ToList();
        var assistant = followUp.Single(m => m.GetProperty("role").GetString() == "assistant" && m.TryGetProperty("tool_calls", out _));
        Assert.Equal("jira_search_issues", assistant.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("name").GetString());
        var result = followUp.Single(m => m.GetProperty("role").GetString() == "tool");
        Assert.Equal("call_1", result.GetProperty("tool_call_id").GetString());
        Assert.Contains("PROJ-1", result.GetProperty("content").ToString());
        Assert.Contains(jira.Requests, r => r.Path == "/rest/api/2/search" && r.Query.Contains("currentUser", StringComparison.Ordinal));

        var calls = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/tools/calls?filter[conversation_id]={turn.GetProperty("session_id").GetGuid()}"), 200);
        var call = calls.GetProperty("items").EnumerateArray().Single();
        Assert.Equal("llm", call.GetProperty("source").GetString());
        Assert.True(call.GetProperty("success").GetBoolean());
    }

    [Fact]
    public async Task Arguments_the_schema_refuses_are_logged_and_returned_to_the_model()
    {
        var admin = await TenantWithJiraAsync();
        var scenario = app.Fake.Scenario(
            FakeReply.ToolCalls(new FakeToolCall("call_bad", "jira_get_issue", """{"issue_key":"not a key"}""")),
            FakeReply.Stream("I could not look that issue up."));
        var (turn, bot) = await LlmTurns.AskAsync(admin, $"{scenario.Tag} check issue banana");
        Assert.Equal("I could not look that issue up.", bot.GetProperty("content").GetString());
        var result = scenario.Requests.ToList()[1].Body.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("role").GetString() == "tool");
        Assert.Contains("invalid_arguments", result.GetProperty("content").ToString());

        var calls = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/tools/calls?filter[conversation_id]={turn.GetProperty("session_id").GetGuid()}"), 200);
        var call = calls.GetProperty("items").EnumerateArray().Single();
        Assert.False(call.GetProperty("success").GetBoolean());
        Assert.Equal("invalid_arguments", call.GetProperty("error").GetString());
        Assert.DoesNotContain(jira.Requests, r => r.Path.Contains("not a key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tool_rounds_are_bounded_then_the_model_must_answer_without_tools()
    {
        var admin = await TenantWithJiraAsync();
        var scenario = app.Fake.Scenario(FakeReply.ToolCalls(new FakeToolCall("call_x", "jira_search_issues", """{"jql":"project = PROJ"}""")));
        var (turn, bot) = await LlmTurns.AskAsync(admin, $"{scenario.Tag} loop forever please");

        var requests = scenario.Requests.ToList();
        Assert.Equal(3, requests.Count);
        Assert.False(requests[1].Body.TryGetProperty("tool_choice", out _));
        Assert.Equal("none", requests[2].Body.GetProperty("tool_choice").GetString());
        // The model ignored "none" and asked again: no third round runs, the built-in engine answers.
        Assert.True(bot.IsFallback());
        var calls = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/tools/calls?filter[conversation_id]={turn.GetProperty("session_id").GetGuid()}"), 200);
        Assert.Equal(2, calls.GetProperty("total").GetInt32());
    }
}
