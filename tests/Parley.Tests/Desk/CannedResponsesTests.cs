using System.Net.Http.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Desk;

/// <summary>/canned-responses over HTTP: admins write, agents read and search, shortcuts unique per tenant, tenants apart.</summary>
public abstract class CannedResponsesTests(ParleyApp app)
{
    [Fact]
    public async Task Admins_write_agents_read_and_search_and_shortcuts_are_unique_per_tenant()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var agent = await app.CreateUserAsync(admin, "agent");
        var customer = await app.CreateUserAsync(admin);
        var otherAdmin = await app.CreateTenantWithAdminAsync();

        var refund = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/canned-responses",
            new { shortcut = "/Refund", title = "Refund policy", content = "Refunds arrive within 5 working days." }), 201);
        Assert.Equal("refund", refund.GetProperty("shortcut").GetString());
        await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/canned-responses", new { shortcut = "refund-late", title = "Late refund", content = "Sorry it is late." }), 201);
        await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/canned-responses", new { shortcut = "hello", title = "Greeting", content = "Hi, how can I help?" }), 201);

        // Unique per tenant (case-insensitively), but another tenant may use the same shortcut.
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/canned-responses", new { shortcut = "REFUND", title = "x", content = "y" }), 409, "CONFLICT");
        await Json.ReadAsync(await otherAdmin.Client.PostAsJsonAsync("/api/v1/canned-responses", new { shortcut = "refund", title = "Theirs", content = "Other tenant." }), 201);

        // Agents read; the prefix filter is what the reply box asks for after '/'.
        var prefixed = await Json.ReadAsync(await agent.Client.GetAsync("/api/v1/canned-responses?filter[shortcut_prefix]=ref"), 200);
        Assert.Equal(["refund", "refund-late"], prefixed.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("shortcut").GetString()!).ToList());
        var searched = await Json.ReadAsync(await agent.Client.GetAsync("/api/v1/canned-responses?search=working%20days"), 200);
        Assert.Equal("Refund policy", Assert.Single(searched.GetProperty("items").EnumerateArray()).GetProperty("title").GetString());
        var paged = await Json.ReadAsync(await agent.Client.GetAsync("/api/v1/canned-responses?size=2&page=2"), 200);
        Assert.Equal(3, paged.GetProperty("total").GetInt32());
        Assert.Equal("refund-late", Assert.Single(paged.GetProperty("items").EnumerateArray()).GetProperty("shortcut").GetString());
        var id = refund.GetProperty("id").GetGuid();
        Assert.Equal("Refund policy", (await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/canned-responses/{id}"), 200)).GetProperty("title").GetString());

        // Agents do not write; customers do not even read; other tenants see 404.
        await Json.ReadErrorAsync(await agent.Client.PostAsJsonAsync("/api/v1/canned-responses", new { shortcut = "mine", title = "t", content = "c" }), 403);
        await Json.ReadErrorAsync(await agent.Client.DeleteAsync($"/api/v1/canned-responses/{id}"), 403);
        await Json.ReadErrorAsync(await customer.Client.GetAsync("/api/v1/canned-responses"), 403);
        await Json.ReadErrorAsync(await otherAdmin.Client.GetAsync($"/api/v1/canned-responses/{id}"), 404);
        await Json.ReadErrorAsync(await otherAdmin.Client.PutAsJsonAsync($"/api/v1/canned-responses/{id}", new { shortcut = "x", title = "x", content = "x" }), 404);
        await Json.ReadErrorAsync(await otherAdmin.Client.DeleteAsync($"/api/v1/canned-responses/{id}"), 404);

        // Update, including a rename onto a taken shortcut (409, nothing changed), then delete.
        var updated = await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/canned-responses/{id}", new { shortcut = "refunds", title = "Refunds", content = "Within 5 days." }), 200);
        Assert.Equal("refunds", updated.GetProperty("shortcut").GetString());
        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync($"/api/v1/canned-responses/{id}", new { shortcut = "hello", title = "x", content = "x" }), 409);
        Assert.Equal("refunds", (await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/canned-responses/{id}"), 200)).GetProperty("shortcut").GetString());
        Assert.Equal(204, (int)(await admin.Client.DeleteAsync($"/api/v1/canned-responses/{id}")).StatusCode);
        await Json.ReadErrorAsync(await admin.Client.GetAsync($"/api/v1/canned-responses/{id}"), 404);
    }

    [Fact]
    public async Task Bad_canned_responses_are_422_with_each_field()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var error = await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/canned-responses", new { shortcut = "has space", title = "", content = new string('c', 4001) }), 422, "VALIDATION_ERROR");
        var fields = error.GetProperty("error").GetProperty("details").EnumerateArray().Select(d => d.GetProperty("field").GetString()).ToList();
        Assert.Equal(["shortcut", "title", "content"], fields);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/canned-responses", new { }), 422);
        await Json.ReadErrorAsync(await admin.Client.GetAsync("/api/v1/canned-responses?filter[owner]=x"), 400, "INVALID_QUERY");
        var list = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/canned-responses"), 200);
        Assert.Equal(0, list.GetProperty("total").GetInt32());
    }
}

public sealed class SqliteCannedResponsesTests(SqliteApp app) : CannedResponsesTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresCannedResponsesTests(PostgresApp app) : CannedResponsesTests(app), IClassFixture<PostgresApp>;
