using System.Net.Http.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Conventions;

public sealed class PaginationTests(SqliteApp app) : IClassFixture<SqliteApp>, IAsyncLifetime
{
    private TestUser _admin = null!;

    public async Task InitializeAsync()
    {
        _admin = await app.CreateTenantWithAdminAsync();
        for (var i = 0; i < 24; i++)
        {
            var role = i % 3 == 0 ? "agent" : "user";
            await Json.ReadAsync(await _admin.Client.PostAsJsonAsync("/api/v1/users",
                new { email = $"p{i:D2}-{Guid.NewGuid():N}@example.com", username = $"page{i:D2}{Guid.NewGuid():N}"[..14], password = "password123", role }), 201);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Page_and_size_give_the_envelope_and_all_documented_headers()
    {
        var response = await _admin.Client.GetAsync("/api/v1/users?page=2&size=10");
        var body = await Json.ReadAsync(response, 200);
        Assert.Equal(10, body.GetProperty("items").GetArrayLength());
        Assert.Equal(25, body.GetProperty("total").GetInt64());
        Assert.Equal(2, body.GetProperty("page").GetInt32());
        Assert.Equal(10, body.GetProperty("size").GetInt32());
        Assert.Equal(3, body.GetProperty("pages").GetInt32());
        Assert.True(body.GetProperty("has_next").GetBoolean());
        Assert.True(body.GetProperty("has_prev").GetBoolean());
        string H(string name) => response.Headers.GetValues(name).Single();
        Assert.Equal("25", H("X-Total-Count"));
        Assert.Equal("2", H("X-Page"));
        Assert.Equal("2", H("X-Current-Page"));
        Assert.Equal("10", H("X-Page-Size"));
        Assert.Equal("3", H("X-Total-Pages"));
        Assert.Equal("3", H("X-Page-Count"));
    }

    [Fact]
    public async Task Limit_and_offset_walk_the_same_list_without_gaps_or_repeats()
    {
        var seen = new List<Guid>();
        for (var offset = 0; offset < 25; offset += 7)
        {
            var body = await Json.ReadAsync(await _admin.Client.GetAsync($"/users?limit=7&offset={offset}&sort=email:asc"), 200);
            seen.AddRange(body.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("id").GetGuid()));
        }

        Assert.Equal(25, seen.Count);
        Assert.Equal(25, seen.Distinct().Count());
    }

    [Fact]
    public async Task Sort_filter_and_search_work()
    {
        var sorted = await Json.ReadAsync(await _admin.Client.GetAsync("/api/v1/users?size=100&sort=email:desc"), 200);
        var emails = sorted.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("email").GetString()!).ToList();
        Assert.Equal(emails.OrderByDescending(e => e.ToUpperInvariant(), StringComparer.Ordinal).ToList(), emails);

        var agents = await Json.ReadAsync(await _admin.Client.GetAsync("/api/v1/users?filter[role]=agent"), 200);
        Assert.Equal(8, agents.GetProperty("total").GetInt64());
        Assert.All(agents.GetProperty("items").EnumerateArray(), u => Assert.Equal("agent", u.GetProperty("role").GetString()));

        var search = await Json.ReadAsync(await _admin.Client.GetAsync("/api/v1/users?search=P07-"), 200);
        Assert.Equal(1, search.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Unknown_sort_or_filter_fields_are_a_400_not_ignored()
    {
        var sort = await Json.ReadErrorAsync(await _admin.Client.GetAsync("/api/v1/users?sort=password_hash:asc"), 400, "INVALID_QUERY");
        Assert.Equal("sort", sort.GetProperty("error").GetProperty("details")[0].GetProperty("field").GetString());
        var filter = await Json.ReadErrorAsync(await _admin.Client.GetAsync("/api/v1/users?filter[password_hash]=x"), 400, "INVALID_QUERY");
        Assert.Equal("filter[password_hash]", filter.GetProperty("error").GetProperty("details")[0].GetProperty("field").GetString());
        await Json.ReadErrorAsync(await _admin.Client.GetAsync("/api/v1/users?filter[role]=overlord"), 400);
        await Json.ReadErrorAsync(await _admin.Client.GetAsync("/api/v1/users?sort=email:sideways"), 400);
    }

    [Fact]
    public async Task Page_size_is_capped_at_100_and_must_be_a_number()
    {
        await Json.ReadErrorAsync(await _admin.Client.GetAsync("/api/v1/users?size=101"), 400);
        await Json.ReadErrorAsync(await _admin.Client.GetAsync("/api/v1/users?page=zero"), 400);
        await Json.ReadErrorAsync(await _admin.Client.GetAsync("/api/v1/users?limit=0"), 400);
        var beyond = await Json.ReadAsync(await _admin.Client.GetAsync("/api/v1/users?page=9&size=10"), 200);
        Assert.Equal(0, beyond.GetProperty("items").GetArrayLength());
        Assert.False(beyond.GetProperty("has_next").GetBoolean());
    }
}
