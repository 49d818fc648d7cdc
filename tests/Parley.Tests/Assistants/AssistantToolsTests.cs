using System.Net.Http.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Assistants;

/// <summary>The AI Assistant Platform document names tools by id: an assistant's tools are looked up in the tenant's registry.</summary>
public abstract class AssistantToolsTests(ParleyApp app)
{
    [Fact]
    public async Task Document_003_assistants_refuse_tools_that_do_not_exist_and_accept_ids_or_names()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await Json.ReadErrorAsync(await admin.Client.GetAsync("/api/v1/tools/web_search"), 404);
        var byName = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/tools/Knowledge%20search"), 200);
        Assert.Equal("knowledge_search", byName.GetProperty("id").GetString());

        var refused = await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/assistants",
            new { name = "My Assistant", tools = new[] { "web_search", "file_upload" } }), 422);
        var detail = refused.GetRawText();
        Assert.Contains("web_search", detail);
        Assert.Contains("file_upload", detail);
        Assert.Contains("knowledge_search", detail);
        var listed = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/assistants?search=My%20Assistant"), 200);
        Assert.Equal(0, listed.GetProperty("total").GetInt32());

        var created = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/assistants",
            new { name = "Helper", tools = new[] { "Knowledge search", "create_ticket" } }), 201);
        Assert.Equal(["knowledge_search", "create_ticket"], created.GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        var id = created.GetProperty("id").GetGuid();
        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync($"/api/v1/assistants/{id}", new { tools = new[] { "web_search" } }), 422);
        var unchanged = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/assistants/{id}"), 200);
        Assert.Equal(2, unchanged.GetProperty("tools").GetArrayLength());
    }
}

public sealed class SqliteAssistantToolsTests(SqliteApp app) : AssistantToolsTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresAssistantToolsTests(PostgresApp app) : AssistantToolsTests(app), IClassFixture<PostgresApp>;
