using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Conventions;

/// <summary>
/// /plans and a ticket's comments follow docs/api-conventions.md (issue 19): a bare array without
/// paging parameters, the Integration Platform's page envelope when <c>page</c>/<c>size</c> are explicit. Before, both
/// ignored paging and always answered the whole array.
/// </summary>
public sealed class ShortListPagingTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task Plans_are_an_array_or_a_page_when_one_is_asked_for()
    {
        var user = await app.RegisterAsync();
        var all = await Json.ReadAsync(await user.Client.GetAsync("/api/v1/plans"), 200);
        Assert.Equal(JsonValueKind.Array, all.ValueKind);
        var count = all.GetArrayLength();
        Assert.True(count >= 3);

        var page = await Json.ReadAsync(await user.Client.GetAsync("/api/v1/plans?page=2&size=2"), 200);
        Assert.Equal(count, page.GetProperty("total").GetInt64());
        Assert.Equal(2, page.GetProperty("page").GetInt32());
        Assert.Equal(2, page.GetProperty("size").GetInt32());
        Assert.Equal((count + 1) / 2, page.GetProperty("pages").GetInt32());
        Assert.Equal(all[2].GetProperty("name").GetString(), page.GetProperty("items")[0].GetProperty("name").GetString());
        Assert.True(page.GetProperty("has_prev").GetBoolean());

        await Json.ReadErrorAsync(await user.Client.GetAsync("/api/v1/plans?size=500"), 400, "INVALID_QUERY");
        await Json.ReadErrorAsync(await user.Client.GetAsync("/api/v1/plans?sort=name:desc"), 400, "INVALID_QUERY");
    }

    [Fact]
    public async Task Ticket_comments_are_an_array_or_a_page_when_one_is_asked_for()
    {
        var user = await app.RegisterAsync();
        var ticket = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/api/v1/tickets", new { title = "Parcel missing", description = "Never arrived" }), 201);
        var id = ticket.GetProperty("id").GetGuid();
        for (var i = 1; i <= 3; i++)
        {
            await Json.ReadAsync(await user.Client.PostAsJsonAsync($"/api/v1/tickets/{id}/comments", new { content = $"comment {i}" }), 201);
        }

        var all = await Json.ReadAsync(await user.Client.GetAsync($"/api/v1/tickets/{id}/comments"), 200);
        Assert.Equal(JsonValueKind.Array, all.ValueKind);
        Assert.Equal(3, all.GetArrayLength());

        var page = await Json.ReadAsync(await user.Client.GetAsync($"/tickets/{id}/comments?page=2&size=2"), 200);
        Assert.Equal(3, page.GetProperty("total").GetInt64());
        Assert.Equal(2, page.GetProperty("pages").GetInt32());
        Assert.Equal("comment 3", Assert.Single(page.GetProperty("items").EnumerateArray()).GetProperty("content").GetString());
        Assert.False(page.GetProperty("has_next").GetBoolean());

        await Json.ReadErrorAsync(await user.Client.GetAsync($"/api/v1/tickets/{Guid.NewGuid()}/comments?page=1"), 404);
    }
}
