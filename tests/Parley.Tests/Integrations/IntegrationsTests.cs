using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Integrations;
using Parley.Server.Storage;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Integrations;

public abstract class IntegrationsTests(LoopbackToolsApp app, FakeJiraServer jira, FakeGitHubServer github)
{
    internal static object JiraBody(string endpoint, string token = FakeJiraServer.Token, string name = "Jira") => new
    {
        name,
        integration_type = "jira",
        config = new { endpoint, project_key = "PROJ" },
        credentials = new { email = FakeJiraServer.Email, api_token = token },
    };

    internal static object GitHubBody(string endpoint, string token = FakeGitHubServer.Token) => new
    {
        name = "GitHub",
        integration_type = "github",
        config = new { endpoint, owner = FakeGitHubServer.Owner, repo = FakeGitHubServer.Repo },
        credentials = new { token },
    };

    private static async Task<JsonElement> CreateAsync(TestUser admin, object body)
        => await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/integrations", body), 201);

    private static async Task<JsonElement> TestAsync(TestUser admin, JsonElement integration)
        => await Json.ReadAsync(await admin.Client.PostAsync($"/api/v1/integrations/{integration.GetProperty("id").GetGuid()}/test", null), 200);

    [Fact]
    public async Task Credentials_are_stored_encrypted_and_never_returned()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var created = await admin.Client.PostAsJsonAsync("/api/v1/integrations", JiraBody(jira.Url()));
        var text = await created.Content.ReadAsStringAsync();
        var body = await Json.ReadAsync(created, 201);
        Assert.True(body.GetProperty("has_credentials").GetBoolean());
        Assert.Equal("jira", body.GetProperty("integration_type").GetString());
        Assert.Equal("active", body.GetProperty("status").GetString());
        Assert.Equal(jira.Url(), body.GetProperty("config").GetProperty("endpoint").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("last_sync").ValueKind);
        Assert.Contains("jira_search_issues", body.GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
        Assert.False(body.TryGetProperty("credentials", out _));

        var id = body.GetProperty("id").GetGuid();
        var list = await admin.Client.GetAsync("/api/v1/integrations");
        var one = await admin.Client.GetAsync($"/integrations/{id}");
        foreach (var response in new[] { created, list, one })
        {
            var content = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain(FakeJiraServer.Token, content);
        }

        Assert.DoesNotContain(FakeJiraServer.Token, text);
        var listed = await Json.ReadAsync(list, 200);
        Assert.Equal(JsonValueKind.Array, listed.ValueKind);
        Assert.Equal(id, listed.EnumerateArray().Single().GetProperty("id").GetGuid());
        Assert.Equal("1", list.Headers.GetValues("X-Total-Count").Single());

        using var scope = app.Services.CreateScope();
        var stored = await scope.ServiceProvider.GetRequiredService<ParleyDb>().Set<Integration>().IgnoreQueryFilters().SingleAsync(i => i.Id == id);
        Assert.NotNull(stored.Credentials);
        Assert.DoesNotContain(FakeJiraServer.Token, stored.Credentials);
        Assert.DoesNotContain(FakeJiraServer.Email, stored.Credentials);
    }

    [Fact]
    public async Task No_answer_carries_the_credentials_to_anyone()
    {
        const string rotated = "rotated-token-5d0c1f";
        var admin = await app.CreateTenantWithAdminAsync();
        var agent = await app.CreateUserAsync(admin, "agent");
        var user = await app.CreateUserAsync(admin);
        var answers = new List<HttpResponseMessage> { await admin.Client.PostAsJsonAsync("/api/v1/integrations", JiraBody(jira.Url())) };
        var id = (await Json.ReadAsync(answers[0], 201)).GetProperty("id").GetGuid();

        answers.Add(await admin.Client.PostAsync($"/api/v1/integrations/{id}/test", null));
        answers.Add(await admin.Client.PostAsJsonAsync("/api/v1/tools/jira_search_issues/execute", new { arguments = new { jql = "project = PROJ" } }));
        answers.Add(await admin.Client.PutAsJsonAsync($"/api/v1/integrations/{id}", new { credentials = new { email = FakeJiraServer.Email, api_token = rotated } }));
        // Refused by Jira now: the failure's reason must not quote what was sent either.
        answers.Add(await admin.Client.PostAsync($"/api/v1/integrations/{id}/test", null));
        answers.Add(await admin.Client.PostAsJsonAsync("/api/v1/tools/jira_get_issue/execute", new { arguments = new { issue_key = "PROJ-1" } }));
        foreach (var reader in new[] { admin, agent })
        {
            answers.Add(await reader.Client.GetAsync($"/api/v1/integrations/{id}"));
            answers.Add(await reader.Client.GetAsync("/api/v1/integrations"));
        }

        answers.Add(await admin.Client.GetAsync("/api/v1/tools/calls"));
        answers.Add(await user.Client.GetAsync("/api/v1/tools"));
        answers.Add(await user.Client.GetAsync("/api/v1/tools/jira_search_issues"));
        answers.Add(await user.Client.GetAsync($"/api/v1/integrations/{id}"));

        Assert.Equal([201, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 404], answers.Select(a => (int)a.StatusCode));
        var basic = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{FakeJiraServer.Email}:{FakeJiraServer.Token}"));
        foreach (var answer in answers)
        {
            var text = await answer.Content.ReadAsStringAsync();
            Assert.DoesNotContain(FakeJiraServer.Token, text);
            Assert.DoesNotContain(rotated, text);
            Assert.DoesNotContain(basic, text);
            Assert.DoesNotContain("api_token", text);
        }

        Assert.Equal("unauthorized", (await Json.ReadAsync(answers[4], 200)).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Only_the_allowlisted_address_is_accepted_when_created_or_updated()
    {
        // This app allows 127.0.0.1 (the fakes) and nothing else that is not public.
        var admin = await app.CreateTenantWithAdminAsync();
        var integration = await CreateAsync(admin, JiraBody(jira.Url()));
        var id = integration.GetProperty("id").GetGuid();

        var created = await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/integrations", JiraBody("http://10.0.0.5")), 422);
        Assert.Contains("config.endpoint", created.ToString());
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/integrations",
            new { name = "Orders", integration_type = "http", config = new { endpoint = "http://192.168.1.10/api" } }), 422);
        var moved = await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync($"/api/v1/integrations/{id}",
            new { config = new { endpoint = "http://169.254.169.254/latest", project_key = "PROJ" } }), 422);
        Assert.Contains("config.endpoint", moved.ToString());

        var after = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/integrations/{id}"), 200);
        Assert.Equal(jira.Url(), after.GetProperty("config").GetProperty("endpoint").GetString());
        Assert.Single((await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/integrations"), 200)).EnumerateArray());
    }

    [Fact]
    public async Task Test_calls_jira_with_the_credentials_and_reports_success()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var integration = await CreateAsync(admin, JiraBody(jira.Url()));
        var result = await TestAsync(admin, integration);
        Assert.True(result.GetProperty("success").GetBoolean(), result.ToString());
        Assert.Equal("success", result.GetProperty("status").GetString());
        Assert.Equal(200, result.GetProperty("http_status").GetInt32());
        Assert.Contains(jira.RequestsTo("/rest/api/2/myself"), r => r.Authorization!.StartsWith("Basic ", StringComparison.Ordinal));

        var after = await Json.ReadAsync(await admin.Client.GetAsync($"/integrations/{integration.GetProperty("id").GetGuid()}"), 200);
        Assert.NotEqual(JsonValueKind.Null, after.GetProperty("last_sync").ValueKind);
        Assert.True(after.GetProperty("last_test_success").GetBoolean());
    }

    [Fact]
    public async Task Test_reports_refused_credentials_as_unauthorized()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var integration = await CreateAsync(admin, JiraBody(jira.Url(), token: "wrong"));
        var result = await TestAsync(admin, integration);
        Assert.False(result.GetProperty("success").GetBoolean());
        Assert.Equal("unauthorized", result.GetProperty("reason").GetString());
        Assert.Equal(401, result.GetProperty("http_status").GetInt32());

        var after = await Json.ReadAsync(await admin.Client.GetAsync($"/integrations/{integration.GetProperty("id").GetGuid()}"), 200);
        Assert.Equal("error", after.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Test_reports_an_unreachable_system()
    {
        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var admin = await app.CreateTenantWithAdminAsync();
        var integration = await CreateAsync(admin, GitHubBody($"http://127.0.0.1:{port}"));
        var result = await TestAsync(admin, integration);
        Assert.False(result.GetProperty("success").GetBoolean());
        Assert.Equal("unreachable", result.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Test_reports_a_timeout_when_the_system_does_not_answer()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var integration = await CreateAsync(admin, JiraBody(jira.Url("/slow")));
        var result = await TestAsync(admin, integration);
        Assert.False(result.GetProperty("success").GetBoolean());
        Assert.Equal("timeout", result.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Idempotent_calls_are_retried_after_a_transient_error()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var integration = await CreateAsync(admin, GitHubBody(github.Url()));
        var before = github.Requests.Count;
        github.FailNext(1, 503);
        var result = await TestAsync(admin, integration);
        Assert.True(result.GetProperty("success").GetBoolean(), result.ToString());
        Assert.Equal(before + 2, github.Requests.Count);
    }

    [Fact]
    public async Task Admins_update_and_delete_integrations()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var integration = await CreateAsync(admin, JiraBody(jira.Url(), token: "wrong"));
        var id = integration.GetProperty("id").GetGuid();
        Assert.False((await TestAsync(admin, integration)).GetProperty("success").GetBoolean());

        var updated = await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/integrations/{id}", new
        {
            name = "Jira Cloud",
            credentials = new { email = FakeJiraServer.Email, api_token = FakeJiraServer.Token },
        }), 200);
        Assert.Equal("Jira Cloud", updated.GetProperty("name").GetString());
        Assert.Equal("PROJ", updated.GetProperty("config").GetProperty("project_key").GetString());
        Assert.True((await TestAsync(admin, integration)).GetProperty("success").GetBoolean());

        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync($"/api/v1/integrations/{id}", new { integration_type = "github" }), 422);
        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync($"/api/v1/integrations/{id}", new { status = "broken" }), 422);
        await Json.ReadAsync(await admin.Client.DeleteAsync($"/api/v1/integrations/{id}"), 204);
        await Json.ReadErrorAsync(await admin.Client.GetAsync($"/api/v1/integrations/{id}"), 404);
        await Json.ReadErrorAsync(await admin.Client.PostAsync($"/api/v1/integrations/{id}/test", null), 404);
    }

    [Fact]
    public async Task Users_see_only_their_own_integrations_none_and_cannot_write_and_agents_only_read()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var integration = await CreateAsync(admin, JiraBody(jira.Url()));
        var id = integration.GetProperty("id").GetGuid();
        var user = await app.CreateUserAsync(admin);
        var agent = await app.CreateUserAsync(admin, "agent");

        // The Integration Platform's client reads "the user's integrations" as a plain user: theirs are none (issue 19).
        Assert.Equal(0, (await Json.ReadAsync(await user.Client.GetAsync("/api/v1/integrations"), 200)).GetArrayLength());
        await Json.ReadErrorAsync(await user.Client.GetAsync($"/api/v1/integrations/{id}"), 404);
        await Json.ReadErrorAsync(await user.Client.PostAsJsonAsync("/api/v1/integrations", JiraBody(jira.Url())), 403);

        var seen = await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/integrations/{id}"), 200);
        Assert.True(seen.GetProperty("has_credentials").GetBoolean());
        await Json.ReadErrorAsync(await agent.Client.PostAsJsonAsync("/api/v1/integrations", JiraBody(jira.Url())), 403);
        await Json.ReadErrorAsync(await agent.Client.PostAsync($"/api/v1/integrations/{id}/test", null), 403);
        await Json.ReadErrorAsync(await agent.Client.DeleteAsync($"/api/v1/integrations/{id}"), 403);
    }

    [Fact]
    public async Task Another_tenants_integration_is_not_found()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var integration = await CreateAsync(admin, JiraBody(jira.Url()));
        var id = integration.GetProperty("id").GetGuid();
        var stranger = await app.CreateTenantWithAdminAsync("Other");

        await Json.ReadErrorAsync(await stranger.Client.GetAsync($"/api/v1/integrations/{id}"), 404);
        await Json.ReadErrorAsync(await stranger.Client.PutAsJsonAsync($"/api/v1/integrations/{id}", new { name = "mine" }), 404);
        await Json.ReadErrorAsync(await stranger.Client.PostAsync($"/api/v1/integrations/{id}/test", null), 404);
        await Json.ReadErrorAsync(await stranger.Client.DeleteAsync($"/api/v1/integrations/{id}"), 404);
        Assert.Empty((await Json.ReadAsync(await stranger.Client.GetAsync("/api/v1/integrations"), 200)).EnumerateArray());
        await Json.ReadErrorAsync(await admin.Client.GetAsync($"/api/v1/integrations/{Guid.NewGuid()}"), 404);
    }

    [Fact]
    public async Task Bad_bodies_are_refused_and_nothing_is_stored()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await Json.ReadErrorAsync(await admin.Client.PostAsync("/api/v1/integrations", new StringContent("{\"name\": ", System.Text.Encoding.UTF8, "application/json")), 400);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/integrations", new { name = 5, integration_type = "jira" }), 422);
        var unknown = await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/integrations", new { name = "X", integration_type = "salesforce", config = new { endpoint = jira.Url() } }), 422);
        Assert.Contains("integration_type", unknown.ToString());
        var noRepo = await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/integrations", new { name = "X", integration_type = "github", config = new { } }), 422);
        Assert.Contains("config.owner", noRepo.ToString());
        var badCredentials = await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/integrations", new
        {
            name = "X",
            integration_type = "jira",
            config = new { endpoint = jira.Url() },
            credentials = new { api_token = 12 },
        }), 422);
        Assert.Contains("credentials.api_token", badCredentials.ToString());
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/integrations", new { name = "X", integration_type = "http", config = new { endpoint = "ftp://example.com" } }), 422);
        Assert.Empty((await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/integrations"), 200)).EnumerateArray());
    }
}

public sealed class SqliteIntegrationsTests(LoopbackToolsApp app, FakeJiraServer jira, FakeGitHubServer github)
    : IntegrationsTests(app, jira, github), IClassFixture<LoopbackToolsApp>, IClassFixture<FakeJiraServer>, IClassFixture<FakeGitHubServer>;

public sealed class PostgresIntegrationsTests(PostgresLoopbackToolsApp app, FakeJiraServer jira, FakeGitHubServer github)
    : IntegrationsTests(app, jira, github), IClassFixture<PostgresLoopbackToolsApp>, IClassFixture<FakeJiraServer>, IClassFixture<FakeGitHubServer>;

/// <summary>Without an allowlist entry, private and loopback addresses are refused when saved, with the reason.</summary>
public sealed class IntegrationAddressTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://169.254.169.254/latest")]
    [InlineData("http://10.0.0.5")]
    [InlineData("http://localhost:9000")]
    public async Task An_integration_at_a_private_address_is_refused_unless_allowlisted(string endpoint)
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var refused = await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/integrations", IntegrationsTests.JiraBody(endpoint)), 422);
        Assert.Contains("config.endpoint", refused.ToString());
        Assert.Contains("Parley:Outbound:Allow", refused.ToString());
        Assert.Empty((await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/integrations"), 200)).EnumerateArray());
    }
}
