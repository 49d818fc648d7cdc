using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Storage;
using Parley.Server.Tools;
using Parley.Tests.Infrastructure;
using Parley.Tests.Integrations;

namespace Parley.Tests.Tools;

/// <summary>
/// Tool schemas come from tenants: their <c>pattern</c>s and <c>$ref</c>s must not cost the server
/// a core or a 500, whichever way a call arrives (the API's <c>/execute</c>, an intent route).
/// </summary>
public sealed class ToolSchemaAbuseTests(LoopbackToolsApp app) : IClassFixture<LoopbackToolsApp>
{
    // 2^40 backtracking steps for ^(a+)+$: hours on a backtracking engine, microseconds on a linear one.
    private static readonly string Hostile = new string('a', 40) + "!";

    private static object Tool(string id, object parameters) => new
    {
        id,
        name = id,
        method = "GET",
        // Never called: every call below is refused by the schema first.
        url_template = "http://127.0.0.1:9/orders/{code}",
        parameters,
    };

    /// <summary>A client that gives up long before a backtracking engine would finish, but is generous for a busy machine.</summary>
    private static HttpClient Patient(TestUser user)
    {
        var client = user.App.Authorized(user.AccessToken);
        client.Timeout = TimeSpan.FromSeconds(30);
        return client;
    }

    [Fact]
    public async Task A_catastrophic_pattern_is_answered_through_execute_and_a_keyword_route_and_the_server_stays_responsive()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var schema = new { type = "object", properties = new { code = new { type = "string", pattern = "^(a+)+$" } }, required = new[] { "code" } };
        await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/tools", Tool("order_lookup", schema)), 201);
        var client = Patient(admin);

        var refused = await Json.ReadErrorAsync(await client.PostAsJsonAsync("/api/v1/tools/order_lookup/execute", new { arguments = new { code = Hostile } }), 422);
        Assert.Contains("arguments.code", refused.ToString());
        var accepted = await client.PostAsJsonAsync("/api/v1/tools/order_lookup/execute", new { arguments = new { code = "aaaa" } });
        Assert.Equal(200, (int)accepted.StatusCode);

        await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/tools/routes", new
        {
            intent = "order_code_lookup",
            keywords = new[] { "aaaa" },
            tool_id = "order_lookup",
            arguments = new { code = "{message}" },
        }), 201);
        var id = (await Json.ReadAsync(await client.PostAsync("/api/v1/conversations", null), 201)).GetProperty("conversation_id").GetGuid();
        var turn = await Json.ReadAsync(await client.PostAsJsonAsync($"/api/v1/conversations/{id}/messages", new { message = Hostile }), 200);
        Assert.Contains("couldn't complete", turn.ToString());
        await Json.ReadAsync(await app.Anonymous().GetAsync("/health"), 200);
    }

    [Theory]
    [InlineData("(unclosed")]
    [InlineData("[z-a]")]
    public async Task A_pattern_that_does_not_compile_is_refused_when_the_tool_is_saved(string pattern)
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var schema = new { type = "object", properties = new { code = new { type = "string", pattern } } };
        var refused = await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/tools", Tool("bad_pattern", schema)), 422);
        Assert.Contains("pattern", refused.ToString());
        await Json.ReadErrorAsync(await admin.Client.GetAsync("/api/v1/tools/bad_pattern"), 404);
    }

    [Fact]
    public async Task A_schema_with_cyclic_refs_is_refused_when_saved_and_cannot_break_a_run()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var cyclic = new Dictionary<string, object>
        {
            ["type"] = "object",
            ["definitions"] = new Dictionary<string, object>
            {
                ["a"] = new Dictionary<string, object> { ["$ref"] = "#/definitions/b" },
                ["b"] = new Dictionary<string, object> { ["$ref"] = "#/definitions/a" },
            },
            ["properties"] = new Dictionary<string, object> { ["code"] = new Dictionary<string, object> { ["$ref"] = "#/definitions/a" } },
        };
        var refused = await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/tools", Tool("cyclic", cyclic)), 422);
        Assert.Contains("parameters", refused.ToString());

        await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/tools", Tool("fine", new { type = "object", properties = new { code = new { type = "string" } } })), 201);
        await Json.ReadErrorAsync(await admin.Client.PatchAsJsonAsync("/api/v1/tools/fine", new { parameters = cyclic }), 422);

        // A tool stored before schemas were bounded: its calls are refused, not a 500.
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParleyDb>();
            var stored = await db.Set<CustomTool>().IgnoreQueryFilters().SingleAsync(t => t.TenantId == admin.TenantId && t.Name == "fine");
            stored.Parameters = JsonSerializer.Serialize(cyclic);
            await db.SaveChangesAsync();
        }

        var run = await Json.ReadErrorAsync(await Patient(admin).PostAsJsonAsync("/api/v1/tools/fine/execute", new { arguments = new { code = "x" } }), 422);
        Assert.Contains("cycle", run.ToString());
        await Json.ReadAsync(await app.Anonymous().GetAsync("/health"), 200);
    }
}
