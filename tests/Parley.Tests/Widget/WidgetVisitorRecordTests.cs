using System.Net.Http.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Widget;

/// <summary>
/// Issue 14: visitors are not staff or registered customers (they stay out of /users and user
/// counts), and an anonymous visitor who signs in on the host site keeps its conversation.
/// </summary>
public abstract class WidgetVisitorRecordTests(ParleyApp app)
{
    [Fact]
    public async Task Visitors_are_not_listed_read_changed_or_counted_as_users()
    {
        var admin = await app.CreateTenantWithAdminAsync("Records");
        var agent = await app.CreateUserAsync(admin, "agent");
        var channel = await WidgetKit.CreateChannelAsync(admin);
        var visitor = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken, new { name = "Vera Visitor" });
        await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken, new { identifier = "cust-1", identifier_hash = WidgetKit.Hmac(channel.Secret, "cust-1") });

        var users = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/users?size=100"), 200);
        var listed = users.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("role").GetString()).ToList();
        Assert.Equal(["admin", "agent"], listed.Order());
        Assert.Equal(2, users.GetProperty("total").GetInt32());
        await Json.ReadErrorAsync(await admin.Client.GetAsync("/api/v1/users?filter[role]=visitor"), 400);

        // A visitor is not reachable through /users at all: not read, not promoted, not deleted.
        await Json.ReadErrorAsync(await admin.Client.GetAsync($"/api/v1/users/{visitor.Id}"), 404);
        await Json.ReadErrorAsync(await agent.Client.GetAsync($"/api/v1/users/{visitor.Id}"), 404);
        await Json.ReadErrorAsync(await admin.Client.PutAsJsonAsync($"/api/v1/users/{visitor.Id}", new { role = "admin" }), 404);
        await Json.ReadErrorAsync(await admin.Client.DeleteAsync($"/api/v1/users/{visitor.Id}"), 404);

        var stats = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/analytics/stats"), 200);
        Assert.Equal(2, stats.GetProperty("global_stats").GetProperty("total_users").GetInt64());

        // Admins see their visitors where they belong: the channel's visitor list.
        var visitors = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/widget/channels/{channel.Id}/visitors"), 200);
        Assert.Equal(2, visitors.GetProperty("total").GetInt32());
        Assert.Contains(visitors.GetProperty("items").EnumerateArray(), v => v.GetProperty("name").GetString() == "Vera Visitor" && v.GetProperty("id").GetGuid() == visitor.Id);
        Assert.Contains(visitors.GetProperty("items").EnumerateArray(), v => v.GetProperty("identifier").GetString() == "cust-1");
        await Json.ReadErrorAsync(await agent.Client.GetAsync($"/api/v1/widget/channels/{channel.Id}/visitors"), 403);
        var other = await app.CreateTenantWithAdminAsync("Records other");
        await Json.ReadErrorAsync(await other.Client.GetAsync($"/api/v1/widget/channels/{channel.Id}/visitors"), 404);
    }

    [Fact]
    public async Task An_anonymous_visitor_who_identifies_keeps_its_conversation_and_the_customer_sees_it_on_another_device()
    {
        var admin = await app.CreateTenantWithAdminAsync("Merge");
        var channel = await WidgetKit.CreateChannelAsync(admin);
        var anonymous = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken);
        var id = await WidgetKit.StartConversationAsync(anonymous, channel.WebsiteToken);
        var right = WidgetKit.Hmac(channel.Secret, "cust-9");

        // A wrong HMAC is refused and moves nothing.
        await Json.ReadErrorAsync(await anonymous.Client.PostAsJsonAsync($"/api/v1/widget/{channel.WebsiteToken}/visitors",
            new { identifier = "cust-9", identifier_hash = WidgetKit.Hmac("wrong", "cust-9") }), 401);
        var elsewhere = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken, new { identifier = "cust-9", identifier_hash = right });
        Assert.Empty((await Json.ReadAsync(await elsewhere.Client.GetAsync($"/api/v1/widget/{channel.WebsiteToken}/conversations"), 200)).EnumerateArray());

        // The right one, sent with the anonymous visitor's token, links its conversation to the customer.
        var merged = await Json.ReadAsync(await anonymous.Client.PostAsJsonAsync($"/api/v1/widget/{channel.WebsiteToken}/visitors",
            new { identifier = "cust-9", identifier_hash = right, name = "Casey" }), 201);
        Assert.Equal(elsewhere.Id, merged.GetProperty("visitor_id").GetGuid());
        Assert.True(merged.GetProperty("identified").GetBoolean());
        var identified = app.Authorized(merged.GetProperty("access_token").GetString()!);
        identified.DefaultRequestHeaders.Add("Origin", WidgetKit.HostOrigin);
        Assert.Equal(id, Assert.Single((await Json.ReadAsync(await identified.GetAsync($"/api/v1/widget/{channel.WebsiteToken}/conversations"), 200)).EnumerateArray()).GetProperty("id").GetGuid());
        var phone = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken, new { identifier = "cust-9", identifier_hash = right });
        Assert.Equal(id, Assert.Single((await Json.ReadAsync(await phone.Client.GetAsync($"/api/v1/widget/{channel.WebsiteToken}/conversations"), 200)).EnumerateArray()).GetProperty("id").GetGuid());
        var conversation = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/conversations/{id}"), 200);
        Assert.Equal("cust-9", conversation.GetProperty("customer_id").GetString());
        Assert.Equal(elsewhere.Id, conversation.GetProperty("user_id").GetGuid());

        // The anonymous visitor's session ends with the merge: its refresh token no longer works.
        await Json.ReadErrorAsync(await app.Anonymous().PostAsJsonAsync($"/api/v1/widget/{channel.WebsiteToken}/visitors/refresh", new { refresh_token = anonymous.RefreshToken }), 401);
    }

    [Fact]
    public async Task Identification_never_merges_across_channels_tenants_or_from_another_customer()
    {
        var admin = await app.CreateTenantWithAdminAsync("No merge");
        var channel = await WidgetKit.CreateChannelAsync(admin);
        var second = await WidgetKit.CreateChannelAsync(admin);
        var foreignAdmin = await app.CreateTenantWithAdminAsync("No merge other");
        var foreign = await WidgetKit.CreateChannelAsync(foreignAdmin);

        var visitor = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken);
        await WidgetKit.StartConversationAsync(visitor, channel.WebsiteToken);
        await Json.ReadErrorAsync(await visitor.Client.PostAsJsonAsync($"/api/v1/widget/{second.WebsiteToken}/visitors",
            new { identifier = "cust-1", identifier_hash = WidgetKit.Hmac(second.Secret, "cust-1") }), 403);
        await Json.ReadErrorAsync(await visitor.Client.PostAsJsonAsync($"/api/v1/widget/{foreign.WebsiteToken}/visitors",
            new { identifier = "cust-1", identifier_hash = WidgetKit.Hmac(foreign.Secret, "cust-1") }), 403);
        foreach (var (other, secret) in new[] { (second, second.Secret), (foreign, foreign.Secret) })
        {
            var customer = await WidgetKit.StartVisitorAsync(app, other.WebsiteToken, new { identifier = "cust-1", identifier_hash = WidgetKit.Hmac(secret, "cust-1") });
            Assert.Empty((await Json.ReadAsync(await customer.Client.GetAsync($"/api/v1/widget/{other.WebsiteToken}/conversations"), 200)).EnumerateArray());
        }

        // An identified visitor switching to another identity takes nothing with it.
        var alice = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken, new { identifier = "alice", identifier_hash = WidgetKit.Hmac(channel.Secret, "alice") });
        var alices = await WidgetKit.StartConversationAsync(alice, channel.WebsiteToken);
        var bob = await Json.ReadAsync(await alice.Client.PostAsJsonAsync($"/api/v1/widget/{channel.WebsiteToken}/visitors",
            new { identifier = "bob", identifier_hash = WidgetKit.Hmac(channel.Secret, "bob") }), 201);
        var bobClient = app.Authorized(bob.GetProperty("access_token").GetString()!);
        bobClient.DefaultRequestHeaders.Add("Origin", WidgetKit.HostOrigin);
        Assert.Empty((await Json.ReadAsync(await bobClient.GetAsync($"/api/v1/widget/{channel.WebsiteToken}/conversations"), 200)).EnumerateArray());
        Assert.Equal(alices, Assert.Single((await Json.ReadAsync(await alice.Client.GetAsync($"/api/v1/widget/{channel.WebsiteToken}/conversations"), 200)).EnumerateArray()).GetProperty("id").GetGuid());
    }
}

public sealed class SqliteWidgetVisitorRecordTests(SqliteApp app) : WidgetVisitorRecordTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresWidgetVisitorRecordTests(PostgresApp app) : WidgetVisitorRecordTests(app), IClassFixture<PostgresApp>;
