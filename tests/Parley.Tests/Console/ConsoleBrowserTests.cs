using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Parley.Tests.Infrastructure;
using Parley.Tests.Webhooks;
using static Parley.Tests.Console.ConsoleBrowser;

namespace Parley.Tests.Console;

/// <summary>
/// The stories of issue 15's "Done means", as people do them: a real chromium on the console at /app
/// of a real Parley (SQLite), while customers use the public API. Nothing here asserts durations;
/// every wait is for a condition (Playwright's expect, 30 s).
/// </summary>
public sealed class ConsoleBrowserTests(WebhookSqliteApp app, WebhookReceiverFixture receiver, Browser browser)
    : IClassFixture<WebhookSqliteApp>, IClassFixture<WebhookReceiverFixture>, IClassFixture<Browser>
{
    [BrowserFact]
    public async Task Customers_are_refused_agents_see_no_admin_pages_and_admins_see_them()
    {
        var agent = await app.CreateUserAsync(app.Admin, "agent");
        var customer = await app.RegisterAsync("casey");

        await using (var session = await browser.OpenAsync(app.BaseAddress))
        {
            await SignInAsync(session.Page, customer);
            await Assertions.Expect(session.Page.GetByTestId("error")).ToContainTextAsync("for agents and admins");
            await Assertions.Expect(session.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToHaveCountAsync(0);
            await AssertAccessibleAsync(session);
            await ScreenshotAsync(session.Page, "sign-in-refused");
        }

        await using (var session = await browser.OpenAsync(app.BaseAddress))
        {
            await SignInAsStaffAsync(session.Page, agent);
            var nav = session.Page.GetByRole(AriaRole.Navigation, new() { Name = "Console" });
            await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Inbox" })).ToBeVisibleAsync();
            await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Knowledge" })).ToHaveCountAsync(0);
            await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Webhooks" })).ToHaveCountAsync(0);

            // A typed address shows no admin page (and the API would refuse the calls anyway).
            await session.Page.GotoAsync("/app/admin/webhooks");
            await Assertions.Expect(session.Page.GetByTestId("admins-only")).ToBeVisibleAsync();
            await Assertions.Expect(session.Page.GetByLabel("Endpoint URL")).ToHaveCountAsync(0);
            session.AssertNoPageErrors();
        }

        await using (var session = await browser.OpenAsync(app.BaseAddress))
        {
            await SignInAsStaffAsync(session.Page, app.Admin);
            var nav = session.Page.GetByRole(AriaRole.Navigation, new() { Name = "Console" });
            await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Knowledge" })).ToBeVisibleAsync();
            await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Webhooks" })).ToBeVisibleAsync();

            // Signing out ends the login on the server too: the tokens the tab held stop working.
            var kept = await session.Page.EvaluateAsync<string>("() => sessionStorage.getItem('parley.console.tokens')");
            var accessToken = JsonDocument.Parse(kept).RootElement.GetProperty("access_token").GetString()!;
            Assert.Equal(200, (int)(await app.Authorized(accessToken).GetAsync("/api/v1/auth/me")).StatusCode);
            await session.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await Assertions.Expect(session.Page.GetByLabel("Email or username")).ToBeVisibleAsync();
            Assert.Null(await session.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('parley.console.tokens')"));
            Assert.Equal(401, (int)(await app.Authorized(accessToken).GetAsync("/api/v1/auth/me")).StatusCode);
            session.AssertNoPageErrors();
        }
    }

    [BrowserFact]
    public async Task A_reload_keeps_the_sign_in_the_server_confirms_takes_a_new_role_and_forgets_an_ended_one()
    {
        var agent = await app.CreateUserAsync(app.Admin, "agent");
        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Console" });
        await SignInAsStaffAsync(page, agent, "/app/inbox");
        Assert.NotNull(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('parley.console.user')"));

        // A reload shows the console from the saved sign-in; the server's answer then wins: an agent
        // made admin meanwhile gets the admin links without signing in again.
        using (var promoted = await app.Admin.Client.PutAsJsonAsync($"/api/v1/users/{agent.Id}", new { role = "admin" }))
        {
            Assert.Equal(200, (int)promoted.StatusCode);
        }

        await page.ReloadAsync();
        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Webhooks" })).ToBeVisibleAsync();

        // A login ended on the server (here: signed out with the tab's own tokens from elsewhere) is
        // forgotten at the next reload: the sign-in form, no saved user, no page error.
        var kept = await page.EvaluateAsync<string>("() => sessionStorage.getItem('parley.console.tokens')");
        var tokens = JsonDocument.Parse(kept).RootElement;
        using (var ended = await app.Authorized(tokens.GetProperty("access_token").GetString()!)
            .PostAsJsonAsync("/api/v1/auth/logout", new { refresh_token = tokens.GetProperty("refresh_token").GetString() }))
        {
            Assert.True(ended.IsSuccessStatusCode, $"logout answered {(int)ended.StatusCode}");
        }

        await page.ReloadAsync();
        await Assertions.Expect(page.GetByLabel("Email or username")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToHaveCountAsync(0);
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('parley.console.user')"));
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('parley.console.tokens')"));
        session.AssertNoPageErrors();
    }

    [BrowserFact]
    public async Task An_agent_handles_an_escalation_end_to_end_while_the_customer_chats()
    {
        var agent = await app.CreateUserAsync(app.Admin, "agent");
        var customer = await app.RegisterAsync("casey");
        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await SignInAsStaffAsync(page, agent);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Inbox" })).ToBeVisibleAsync();
        var badge = page.GetByTestId("waiting-badge");
        var before = await badge.CountAsync() == 0 ? 0 : int.Parse(await badge.InnerTextAsync(), CultureInfo.InvariantCulture);

        // The customer chats over the API, then asks for a person.
        var title = "Parcel " + Guid.NewGuid().ToString("N")[..8] + " never arrived";
        var first = await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/process", new { message = title }), 200);
        var conversationId = first.GetProperty("session_id").GetString()!;
        var escalation = await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/process", new { session_id = conversationId, message = "I want to talk to a human" }), 200);
        Assert.True(escalation.GetProperty("escalation_needed").GetBoolean());

        // The open inbox learns of it over the tenant socket: the badge rises and the row appears.
        await Assertions.Expect(badge).ToHaveTextAsync((before + 1).ToString(CultureInfo.InvariantCulture));
        var row = page.GetByTestId("inbox-row").Filter(new() { HasText = title });
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(row).ToContainTextAsync("customer_requested_human");
        await AssertAccessibleAsync(session);
        await ScreenshotAsync(page, "inbox-waiting");

        await row.GetByRole(AriaRole.Link).ClickAsync();
        await page.GetByTestId("claim").ClickAsync();
        await Assertions.Expect(page.GetByTestId("conversation-status")).ToHaveTextAsync("claimed by you");

        // The customer writes while the agent holds the conversation: it streams into the open page.
        await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/message", new { session_id = conversationId, message = "It was due last Tuesday." }), 200);
        var messages = page.GetByTestId("message");
        await Assertions.Expect(messages.Last).ToContainTextAsync("It was due last Tuesday.");

        await page.GetByTestId("reply").FillAsync("Sorry about that, I am checking with the carrier now.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Assertions.Expect(messages.Last).ToContainTextAsync("checking with the carrier");
        await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/message", new { session_id = conversationId, message = "Thank you!" }), 200);
        await Assertions.Expect(messages.Last).ToContainTextAsync("Thank you!");
        await AssertAccessibleAsync(session);
        await ScreenshotAsync(page, "conversation");

        // The agent's page and the customer's view of the conversation hold the same messages, in the same order.
        var stored = await Json.ReadAsync(await customer.Client.GetAsync($"/api/v1/conversations/{conversationId}/messages?size=100"), 200);
        var expected = stored.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("sequence").GetInt32().ToString(CultureInfo.InvariantCulture)).ToList();
        var shown = await messages.EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.sequence)");
        Assert.Equal(expected, shown);
        Assert.Contains(stored.GetProperty("items").EnumerateArray(), m => m.GetProperty("message_type").GetString() == "agent"
            && m.GetProperty("content").GetString()!.Contains("checking with the carrier", StringComparison.Ordinal));
        var order = stored.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("content").GetString()!).ToList();
        Assert.True(order.FindIndex(c => c.Contains("due last Tuesday", StringComparison.Ordinal)) < order.FindIndex(c => c.Contains("checking with the carrier", StringComparison.Ordinal)));
        Assert.True(order.FindIndex(c => c.Contains("checking with the carrier", StringComparison.Ordinal)) < order.FindIndex(c => c == "Thank you!"));

        await page.GetByTestId("close").ClickAsync();
        await Assertions.Expect(page.GetByTestId("conversation-status")).ToHaveTextAsync("ended");
        var conversation = await Json.ReadAsync(await customer.Client.GetAsync($"/api/v1/conversations/{conversationId}"), 200);
        Assert.Equal("ended", conversation.GetProperty("status").GetString());
        session.AssertNoPageErrors();
    }

    [BrowserFact]
    public async Task An_admin_uploads_a_file_watches_it_become_ready_and_the_test_chat_cites_it()
    {
        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await SignInAsStaffAsync(page, app.Admin, "/app/admin/knowledge");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Knowledge sources" })).ToBeVisibleAsync();

        var name = "returns-" + Guid.NewGuid().ToString("N")[..8] + ".md";
        await page.GetByTestId("file-input").SetInputFilesAsync(new FilePayload
        {
            Name = name,
            MimeType = "text/markdown",
            Buffer = System.Text.Encoding.UTF8.GetBytes("# Returning an item\n\nHow do I return an item? Items can be returned within 30 days of delivery. "
                + "Start a return from Orders > Return item; the refund reaches your card within 5 business days.\n"),
        });

        var row = page.GetByTestId("source-row").Filter(new() { HasText = name });
        await Assertions.Expect(row.GetByTestId("source-status")).ToHaveTextAsync("ready");
        await ScreenshotAsync(page, "knowledge");

        await page.GetByLabel("Question").FillAsync("return an item refund");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("hit").First).ToContainTextAsync(name);

        await page.GetByTestId("test-question").FillAsync("How do I return an item?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ask" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("test-answer")).ToContainTextAsync("30 days");
        await Assertions.Expect(page.GetByTestId("test-answer").GetByTestId("citation").First).ToContainTextAsync(name);
        await AssertAccessibleAsync(session);
        session.AssertNoPageErrors();
    }

    [BrowserFact]
    public async Task An_admin_creates_a_webhook_sees_its_secret_once_and_the_delivery_in_the_log()
    {
        var endpoint = receiver.Receiver.NewEndpoint(200);
        var url = receiver.Receiver.Url(endpoint);
        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await SignInAsStaffAsync(page, app.Admin, "/app/admin/webhooks");

        await page.GetByTestId("webhook-url").FillAsync(url);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create webhook" }).ClickAsync();
        var secret = page.GetByTestId("webhook-secret");
        await Assertions.Expect(secret).ToBeVisibleAsync();
        var shownSecret = await secret.Locator("code").InnerTextAsync();
        Assert.False(string.IsNullOrWhiteSpace(shownSecret));

        // An event the webhook listens to (conversation.created) reaches the receiver...
        await Json.ReadAsync(await app.Admin.Client.PostAsJsonAsync("/api/v1/conversations", new { title = "Webhook probe" }), 201);
        var hook = await endpoint.NextAsync(h => h.Event == "conversation.created");
        Assert.NotNull(hook.Signature);

        // ...and the log shows the delivery with its attempt and the receiver's answer.
        var delivery = page.GetByTestId("delivery-row").Filter(new() { HasText = "conversation.created" }).First;
        // The log is read when asked (Refresh), as a person would: ask until the attempt is recorded.
        for (var tries = 0; tries < 60; tries++)
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
            if (await delivery.CountAsync() > 0 && await delivery.GetByTestId("delivery-status").InnerTextAsync() == "succeeded")
            {
                break;
            }

            await Task.Delay(500);
        }

        await Assertions.Expect(delivery.GetByTestId("delivery-status")).ToHaveTextAsync("succeeded");
        await Assertions.Expect(delivery).ToContainTextAsync("200");

        // The secret is never shown again: a reload lists the webhook without it.
        await page.GetByRole(AriaRole.Button, new() { Name = "I have copied it" }).ClickAsync();
        await AssertAccessibleAsync(session);
        await ScreenshotAsync(page, "webhooks");
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("webhooks")).ToContainTextAsync(url);
        Assert.DoesNotContain(shownSecret, await page.ContentAsync(), StringComparison.Ordinal);
        session.AssertNoPageErrors();
    }

    [BrowserFact]
    public async Task The_dashboard_shows_the_figures_the_analytics_api_answers()
    {
        // Seeded data: conversations of two customers, one of them escalated.
        foreach (var message in new[] { "How do I return an item?", "Where is my order?" })
        {
            var customer = await app.RegisterAsync("buyer");
            var turn = await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/process", new { message }), 200);
            if (message.StartsWith("Where", StringComparison.Ordinal))
            {
                await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/process",
                    new { session_id = turn.GetProperty("session_id").GetString(), message = "I want to talk to a human" }), 200);
            }
        }

        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await SignInAsStaffAsync(page, app.Admin, "/app/analytics");
        await page.GetByLabel("Period").SelectOptionAsync("7");
        var window = page.GetByTestId("window");
        await Assertions.Expect(page.GetByTestId("metric-total_conversations")).Not.ToHaveAttributeAsync("data-value", "");

        var start = await window.GetAttributeAsync("data-start");
        var end = await window.GetAttributeAsync("data-end");
        var api = await Json.ReadAsync(await app.Admin.Client.GetAsync($"/api/v1/analytics/dashboard?start_date={start}&end_date={end}"), 200);
        foreach (var field in new[] { "total_conversations", "deflection_rate", "escalation_rate", "customer_satisfaction", "average_response_time", "total_messages" })
        {
            var value = api.GetProperty(field);
            var card = page.GetByTestId("metric-" + field);
            await Assertions.Expect(card).ToHaveAttributeAsync("data-value", value.ValueKind == JsonValueKind.Number ? value.GetRawText() : "");
        }

        Assert.True(api.GetProperty("total_conversations").GetInt64() >= 2);
        var rate = api.GetProperty("escalation_rate").GetDouble();
        await Assertions.Expect(page.GetByTestId("metric-escalation_rate")).ToContainTextAsync((rate * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %");
        await AssertAccessibleAsync(session);
        await ScreenshotAsync(page, "analytics");
        session.AssertNoPageErrors();
    }
}
