using System.Net.Http.Json;
using Microsoft.Playwright;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Console.ConsoleBrowser;

namespace Parley.Tests.Console;

/// <summary>
/// The agent's desk in a real chromium: canned responses inserted by /shortcut with the keyboard, an
/// internal note shown to the agent (marked) and never to the customer, the customer panel, and the
/// inbox filters kept in the address.
/// </summary>
public sealed class AgentDeskBrowserTests(SqliteApp app, Browser browser) : IClassFixture<SqliteApp>, IClassFixture<Browser>
{
    [BrowserFact]
    public async Task An_agent_inserts_a_canned_response_writes_a_note_and_sees_the_customer()
    {
        var agent = await app.CreateUserAsync(app.Admin, "agent");
        var customer = await app.RegisterAsync("casey");
        var shortcut = "ship" + Guid.NewGuid().ToString("N")[..6];
        await Json.ReadAsync(await app.Admin.Client.PostAsJsonAsync("/api/v1/canned-responses",
            new { shortcut, title = "Shipping times", content = "Parcels arrive within 3 working days." }), 201);
        await Json.ReadAsync(await app.Admin.Client.PostAsJsonAsync("/api/v1/canned-responses",
            new { shortcut = shortcut + "-late", title = "Late parcel", content = "<b>Sorry</b>, your parcel is late." }), 201);

        var earlier = "Earlier question " + Guid.NewGuid().ToString("N")[..6];
        await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/message", new { message = earlier }), 200);
        var title = "Lost parcel " + Guid.NewGuid().ToString("N")[..6];
        var first = await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/process", new { message = title }), 200);
        var id = first.GetProperty("session_id").GetString()!;
        await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/process", new { session_id = id, message = "I want to talk to a human" }), 200);

        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await SignInAsStaffAsync(page, agent, $"/app/conversations/{id}");
        await page.GetByTestId("claim").ClickAsync();
        await Assertions.Expect(page.GetByTestId("conversation-status")).ToHaveTextAsync("claimed by you");

        // The customer panel: the account and the earlier conversation.
        var panel = page.GetByTestId("customer-panel");
        await Assertions.Expect(panel.GetByTestId("customer-identity")).ToContainTextAsync("Signed-in account");
        await Assertions.Expect(panel.GetByTestId("customer-conversations")).ToContainTextAsync(earlier);

        // "/" and the start of the shortcut lists both; ArrowDown chooses the second, Enter inserts it.
        var reply = page.GetByTestId("reply");
        await reply.ClickAsync();
        await reply.PressSequentiallyAsync("Hello! /" + shortcut[..6]);
        var options = page.GetByTestId("canned-option");
        await Assertions.Expect(options).ToHaveCountAsync(2);
        await reply.PressAsync("ArrowDown");
        await Assertions.Expect(options.Nth(1)).ToHaveAttributeAsync("aria-current", "true");
        await reply.PressAsync("ArrowUp");
        await Assertions.Expect(options.Nth(0)).ToHaveAttributeAsync("aria-current", "true");
        await AssertAccessibleAsync(session);
        await reply.PressAsync("Enter");
        await Assertions.Expect(reply).ToHaveValueAsync("Hello! Parcels arrive within 3 working days.");
        await Assertions.Expect(options).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("message").Last).ToContainTextAsync("Parcels arrive within 3 working days.");

        // An internal note: shown in place, marked, as text.
        var secret = "<i>VIP</i> customer, refund without asking " + Guid.NewGuid().ToString("N")[..6];
        await page.GetByTestId("note-input").FillAsync(secret);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add note" }).ClickAsync();
        var note = page.GetByTestId("note");
        await Assertions.Expect(note).ToContainTextAsync(secret);
        await Assertions.Expect(note).ToContainTextAsync("Internal note");
        await Assertions.Expect(page.Locator("#messages i")).ToHaveCountAsync(0);
        await AssertAccessibleAsync(session);
        await ScreenshotAsync(page, "conversation-desk");

        // A reload shows the note again, after the agent's reply it followed.
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("note")).ToContainTextAsync(secret);
        var order = await page.Locator("#messages > li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.testid)");
        Assert.Equal("note", order[^1]);

        // The customer's own view never holds it.
        var history = await (await customer.Client.GetAsync($"/api/v1/conversations/{id}/messages?size=100")).Content.ReadAsStringAsync();
        Assert.Contains("Parcels arrive within 3 working days.", history, StringComparison.Ordinal);
        Assert.DoesNotContain("refund without asking", history, StringComparison.Ordinal);
        session.AssertNoPageErrors();
    }

    [BrowserFact]
    public async Task Inbox_filters_apply_on_the_server_and_stay_in_the_address()
    {
        var agent = await app.CreateUserAsync(app.Admin, "agent");
        var customer = await app.RegisterAsync("casey");
        var tag = Guid.NewGuid().ToString("N")[..8];
        await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/message", new { message = $"hello {tag}" }), 200);

        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await SignInAsStaffAsync(page, agent, $"/app/inbox?view=open&q={tag}");
        await Assertions.Expect(page.GetByTestId("inbox-row")).ToHaveCountAsync(1);

        await page.GetByTestId("filter-channel").SelectOptionAsync("email");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("inbox-empty")).ToBeVisibleAsync();
        Assert.Contains("channel=email", page.Url, StringComparison.Ordinal);
        Assert.Contains("q=" + tag, page.Url, StringComparison.Ordinal);

        await page.GetByTestId("filter-channel").SelectOptionAsync("web");
        await page.GetByTestId("filter-intent").FillAsync("no_such_intent");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("inbox-empty")).ToBeVisibleAsync();
        Assert.Contains("intent=no_such_intent", page.Url, StringComparison.Ordinal);

        // The address alone restores the filters (a bookmark, a shared link).
        await page.GotoAsync($"/app/inbox?view=open&q={tag}&channel=web");
        await Assertions.Expect(page.GetByTestId("inbox-row")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("filter-channel")).ToHaveValueAsync("web");
        await AssertAccessibleAsync(session);
        session.AssertNoPageErrors();
    }
}
