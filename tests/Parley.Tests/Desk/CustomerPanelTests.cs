using System.Net.Http.Json;
using Parley.Tests.Infrastructure;
using Parley.Tests.Widget;

namespace Parley.Tests.Desk;

/// <summary>GET /conversations/{id}/customer: the customer's identity, earlier conversations and tickets, inside the tenant.</summary>
public abstract class CustomerPanelTests(ParleyApp app)
{
    [Fact]
    public async Task An_agent_sees_the_customers_earlier_conversations_tickets_and_account()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var agent = await app.CreateUserAsync(admin, "agent");
        var customer = await app.CreateUserAsync(admin);
        var someoneElse = await app.CreateUserAsync(admin);
        var outsider = await app.CreateUserAsync(await app.CreateTenantWithAdminAsync(), "agent");

        var earlier = (await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/message", new { message = "My first question" }), 200)).GetProperty("session_id").GetGuid();
        await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/tickets", new { title = "Broken zipper", description = "On the blue jacket" }), 201);
        await Json.ReadAsync(await someoneElse.Client.PostAsJsonAsync("/api/v1/chat/message", new { message = "Not the same customer" }), 200);
        var current = (await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/message", new { message = "Another question" }), 200)).GetProperty("session_id").GetGuid();

        var panel = await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/conversations/{current}/customer"), 200);
        var who = panel.GetProperty("customer");
        Assert.Equal(customer.Id, who.GetProperty("user_id").GetGuid());
        Assert.Equal(customer.Email, who.GetProperty("email").GetString());
        Assert.Equal("user", who.GetProperty("role").GetString());
        Assert.Equal(earlier, Assert.Single(panel.GetProperty("conversations").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal(1, panel.GetProperty("conversations_total").GetInt32());
        Assert.Equal("Broken zipper", Assert.Single(panel.GetProperty("tickets").EnumerateArray()).GetProperty("title").GetString());
        Assert.DoesNotContain("password", panel.GetRawText(), StringComparison.OrdinalIgnoreCase);

        await Json.ReadErrorAsync(await customer.Client.GetAsync($"/api/v1/conversations/{current}/customer"), 403);
        await Json.ReadErrorAsync(await outsider.Client.GetAsync($"/api/v1/conversations/{current}/customer"), 404);
        await Json.ReadErrorAsync(await agent.Client.GetAsync($"/api/v1/conversations/{Guid.NewGuid()}/customer"), 404);
    }

    [Fact]
    public async Task A_widget_visitors_verified_id_and_pre_chat_details_are_shown_and_an_unverified_visitor_is_not_verified()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var agent = await app.CreateUserAsync(admin, "agent");
        var channel = await WidgetKit.CreateChannelAsync(admin);
        var verified = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken,
            new { identifier = "cust-42", identifier_hash = WidgetKit.Hmac(channel.Secret, "cust-42"), name = "Casey Jones", email = "casey@shop.example" });
        var first = await WidgetKit.StartConversationAsync(verified, channel.WebsiteToken);
        var second = await WidgetKit.StartConversationAsync(verified, channel.WebsiteToken);

        var panel = await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/conversations/{second}/customer"), 200);
        var who = panel.GetProperty("customer");
        Assert.True(who.GetProperty("verified").GetBoolean());
        Assert.Equal("cust-42", who.GetProperty("verified_id").GetString());
        Assert.Equal("Casey Jones", who.GetProperty("name").GetString());
        Assert.Equal("casey@shop.example", who.GetProperty("email").GetString());
        Assert.Equal(channel.Id, who.GetProperty("widget_channel_id").GetGuid());
        Assert.Equal(first, Assert.Single(panel.GetProperty("conversations").EnumerateArray()).GetProperty("id").GetGuid());

        var anonymous = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken, new { name = "Just Browsing" });
        var theirs = await WidgetKit.StartConversationAsync(anonymous, channel.WebsiteToken);
        var unverified = (await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/conversations/{theirs}/customer"), 200)).GetProperty("customer");
        Assert.False(unverified.GetProperty("verified").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, unverified.GetProperty("verified_id").ValueKind);
        Assert.Equal("Just Browsing", unverified.GetProperty("name").GetString());
    }
}

public sealed class SqliteCustomerPanelTests(SqliteApp app) : CustomerPanelTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresCustomerPanelTests(PostgresApp app) : CustomerPanelTests(app), IClassFixture<PostgresApp>;
