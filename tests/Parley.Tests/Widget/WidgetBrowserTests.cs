using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Widget;

/// <summary>
/// Issue 14's stories in a real chromium: a customer's site (another origin) embeds widget.js from a
/// real Parley; the visitor types into the widget, an agent answers through the API.
/// </summary>
public sealed partial class WidgetBrowserTests(SqliteApp app, Browser browser) : IClassFixture<SqliteApp>, IClassFixture<Browser>, IAsyncLifetime
{
    private HostSite _site = null!;

    public async Task InitializeAsync() => _site = await HostSite.StartAsync();

    public async Task DisposeAsync() => await _site.DisposeAsync();

    private static ILocator Widget(IPage page) => page.Locator("parley-chat");

    private async Task<(TestUser Admin, TestChannel Channel)> ChannelAsync(string name)
    {
        var admin = await app.CreateTenantWithAdminAsync(name);
        return (admin, await WidgetKit.CreateChannelAsync(admin, [_site.Origin, WidgetKit.HostOrigin]));
    }

    private static async Task AskAsync(IPage page, string text)
    {
        var input = Widget(page).GetByRole(AriaRole.Textbox, new() { Name = "Type your message…" });
        await input.FillAsync(text);
        await input.PressAsync("Enter");
    }

    private static async Task OpenAsync(IPage page)
    {
        await Widget(page).GetByRole(AriaRole.Button, new() { Name = "Open chat" }).ClickAsync();
        await Assertions.Expect(Widget(page).GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
    }

    private static async Task ReadyAsync(TestUser admin, string name, string question, string answer)
    {
        var created = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources",
            new { name, type = "faq", faqs = new[] { new { question, answer } } }), 202);
        var id = created.GetProperty("id").GetGuid();
        for (var i = 0; i < 600; i++)
        {
            var status = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/knowledge/sources/{id}/status"), 200);
            if (status.GetProperty("status").GetString() is "ready" or "failed")
            {
                Assert.Equal("ready", status.GetProperty("status").GetString());
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("The knowledge source was not indexed within a minute.");
    }

    /// <summary>The visitor's conversation id as the widget stored it.</summary>
    private static async Task<Guid> ConversationAsync(IPage page, string websiteToken)
    {
        await Assertions.Expect(Widget(page).Locator(".status")).ToBeHiddenAsync();
        var id = await page.EvaluateAsync<string?>($"() => JSON.parse(localStorage.getItem('parley:{websiteToken}') || '{{}}').conversation || null");
        for (var i = 0; id is null && i < 300; i++)
        {
            await Task.Delay(100);
            id = await page.EvaluateAsync<string?>($"() => JSON.parse(localStorage.getItem('parley:{websiteToken}') || '{{}}').conversation || null");
        }

        return Guid.Parse(id!);
    }

    private static async Task<Guid> EscalateAndClaimAsync(IPage page, TestChannel channel, TestUser agent)
    {
        await Widget(page).GetByRole(AriaRole.Button, new() { Name = "Talk to a person" }).ClickAsync();
        await Assertions.Expect(Widget(page).GetByText("Connecting you with a person…")).ToBeVisibleAsync();
        var id = await ConversationAsync(page, channel.WebsiteToken);
        await Json.ReadAsync(await agent.Client.PostAsync($"/api/v1/handoff/{id}/claim", null), 200);
        await Assertions.Expect(Widget(page).GetByText($"{agent.Username} joined the conversation")).ToBeVisibleAsync();
        return id;
    }

    [BrowserFact]
    public async Task Story1_an_answer_streams_in_token_by_token_and_cites_its_source()
    {
        var (admin, channel) = await ChannelAsync("Story1");
        await ReadyAsync(admin, "Returns policy", "How do I return an item?",
            "Items can be returned within 30 days of delivery. Start a return from Orders > Return item; the refund reaches your card within 5 business days.");
        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await page.GotoAsync(_site.Page("/story1", app.BaseAddress, channel.WebsiteToken));
        await OpenAsync(page);
        await Assertions.Expect(Widget(page).GetByText("Hello!")).ToBeVisibleAsync();

        // Every change to the streaming bubble's text, as the page saw it.
        await page.EvaluateAsync("""
            () => {
              window.__lengths = [];
              const log = document.querySelector('parley-chat').shadowRoot.querySelector('[role=log]');
              new MutationObserver(() => {
                const busy = log.querySelector('[aria-busy=true]');
                if (busy) window.__lengths.push(busy.textContent.length);
              }).observe(log, { subtree: true, childList: true, characterData: true });
            }
            """);
        await AskAsync(page, "How do I return an item?");

        var answer = Widget(page).Locator(".msg.bot").Last;
        await Assertions.Expect(answer).ToContainTextAsync("within 30 days of delivery");
        await Assertions.Expect(answer.Locator(".cites li")).ToContainTextAsync("[1] Returns policy");
        var lengths = await page.EvaluateAsync<int[]>("() => window.__lengths");
        Assert.True(lengths.Distinct().Count() >= 3, $"The answer did not grow token by token: {string.Join(",", lengths)}");
        session.AssertNoPageErrors();
    }

    [BrowserFact]
    public async Task Story2_a_visitor_waits_for_a_person_talks_to_the_agent_and_rates_the_conversation()
    {
        var (admin, channel) = await ChannelAsync("Story2");
        var agent = await app.CreateUserAsync(admin, "agent");
        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await page.GotoAsync(_site.Page("/story2", app.BaseAddress, channel.WebsiteToken));
        await OpenAsync(page);

        var id = await EscalateAndClaimAsync(page, channel, agent);
        await Json.ReadAsync(await agent.Client.PostAsJsonAsync($"/api/v1/handoff/{id}/messages", new { content = "Hi, I'm here to help with your order." }), 201);
        var reply = Widget(page).Locator(".msg.agent").Last;
        await Assertions.Expect(reply).ToContainTextAsync("Hi, I'm here to help with your order.");
        await Assertions.Expect(reply.Locator(".who")).ToHaveTextAsync(agent.Username!);

        await Json.ReadAsync(await agent.Client.PostAsync($"/api/v1/handoff/{id}/close", null), 200);
        await Assertions.Expect(Widget(page).GetByText("How did we do?").First).ToBeVisibleAsync();
        await Widget(page).GetByRole(AriaRole.Button, new() { Name = "Rate 4 of 5" }).ClickAsync();
        await Widget(page).GetByRole(AriaRole.Textbox, new() { Name = "Anything to add? (optional)" }).FillAsync("Quick and friendly");
        await Widget(page).GetByRole(AriaRole.Button, new() { Name = "Send rating" }).ClickAsync();
        await Assertions.Expect(Widget(page).GetByText("Thank you for your feedback!")).ToBeVisibleAsync();

        var dashboard = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/analytics/dashboard"), 200);
        Assert.Equal(4.0, dashboard.GetProperty("customer_satisfaction").GetDouble());
        session.AssertNoPageErrors();
    }

    [BrowserFact]
    public async Task Story3_a_reload_restores_the_conversation_and_a_dropped_network_loses_and_repeats_nothing()
    {
        var (admin, channel) = await ChannelAsync("Story3");
        var agent = await app.CreateUserAsync(admin, "agent");
        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await page.GotoAsync(_site.Page("/story3", app.BaseAddress, channel.WebsiteToken));
        await OpenAsync(page);
        var id = await EscalateAndClaimAsync(page, channel, agent);
        await Json.ReadAsync(await agent.Client.PostAsJsonAsync($"/api/v1/handoff/{id}/messages", new { content = "First reply" }), 201);
        await Assertions.Expect(Widget(page).GetByText("First reply")).ToBeVisibleAsync();

        await page.ReloadAsync();
        await OpenAsync(page);
        await Assertions.Expect(Widget(page).GetByText("First reply")).ToHaveCountAsync(1);
        await Assertions.Expect(Widget(page).GetByText("I want to talk to a human")).ToHaveCountAsync(1);

        // The network drops (the socket with it); the agent answers meanwhile; the network returns.
        await session.Context.SetOfflineAsync(true);
        await page.EvaluateAsync("() => document.querySelector('parley-chat').ws && document.querySelector('parley-chat').ws.close()");
        await Assertions.Expect(Widget(page).GetByText("You are offline. We will reconnect when you are back.")).ToBeVisibleAsync();
        await Json.ReadAsync(await agent.Client.PostAsJsonAsync($"/api/v1/handoff/{id}/messages", new { content = "Second reply" }), 201);
        await Json.ReadAsync(await agent.Client.PostAsJsonAsync($"/api/v1/handoff/{id}/messages", new { content = "Third reply" }), 201);
        await session.Context.SetOfflineAsync(false);

        await Assertions.Expect(Widget(page).GetByText("Third reply")).ToBeVisibleAsync();
        foreach (var text in new[] { "First reply", "Second reply", "Third reply", "I want to talk to a human" })
        {
            await Assertions.Expect(Widget(page).GetByText(text, new() { Exact = true })).ToHaveCountAsync(1);
        }

        session.AssertNoPageErrors();
    }

    [BrowserFact]
    public async Task Story4_a_hostile_page_with_aggressive_css_and_a_strict_csp_still_gets_a_working_widget()
    {
        var (admin, channel) = await ChannelAsync("Story4");
        var parley = app.BaseAddress.GetLeftPart(UriPartial.Authority);
        _site.Put("/hostile.css", """
            *, *::before, *::after { font-size: 40px !important; color: red !important; background: yellow !important; box-sizing: content-box !important; }
            div, button, textarea, form { display: none !important; }
            parley-chat { display: none !important; opacity: 0 !important; position: static !important; }
            body { direction: rtl; line-height: 5 !important; }
            """, "text/css");
        var csp = $"default-src 'none'; script-src {parley}; connect-src {parley} {parley.Replace("http", "ws", StringComparison.Ordinal)}; style-src 'self'; img-src 'none'";
        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await page.GotoAsync(_site.Page("/story4", app.BaseAddress, channel.WebsiteToken, head: "<link rel=\"stylesheet\" href=\"/hostile.css\">", csp: csp));

        var launcher = Widget(page).GetByRole(AriaRole.Button, new() { Name = "Open chat" });
        await Assertions.Expect(launcher).ToBeVisibleAsync();
        var box = await launcher.BoundingBoxAsync();
        Assert.True(box is { Width: >= 40, Height: >= 40 }, $"Launcher box: {box?.Width}x{box?.Height}");
        await OpenAsync(page);
        await AskAsync(page, "Hello, is anyone there?");
        await Assertions.Expect(Widget(page).Locator(".msg.bot")).Not.ToHaveCountAsync(1);
        await Assertions.Expect(Widget(page).Locator(".msg.bot").Last.Locator("p").First).Not.ToBeEmptyAsync();
        var fontSize = await Widget(page).Locator(".msg.user").First.EvaluateAsync<string>("n => getComputedStyle(n).fontSize");
        Assert.Equal("14px", fontSize);
        Assert.DoesNotContain(session.ConsoleErrors, e => e.Contains("Content Security Policy", StringComparison.Ordinal));
        session.AssertNoPageErrors();
    }

    [BrowserFact]
    public async Task Story5_html_and_javascript_links_in_messages_render_inert()
    {
        var (admin, channel) = await ChannelAsync("Story5");
        var agent = await app.CreateUserAsync(admin, "agent");
        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await page.GotoAsync(_site.Page("/story5", app.BaseAddress, channel.WebsiteToken));
        await OpenAsync(page);
        var id = await EscalateAndClaimAsync(page, channel, agent);

        await Json.ReadAsync(await agent.Client.PostAsJsonAsync($"/api/v1/handoff/{id}/messages", new
        {
            content = "Look <img src=x onerror=\"window.__pwned=1\"> and [click me](javascript:window.__pwned=2) or <script>window.__pwned=3</script> and [docs](https://example.com/help)",
        }), 201);
        var reply = Widget(page).Locator(".msg.agent").Last;
        await Assertions.Expect(reply).ToContainTextAsync("<img src=x onerror=");
        await Assertions.Expect(reply.Locator("img, script")).ToHaveCountAsync(0);
        await Assertions.Expect(reply.GetByText("click me")).ToBeVisibleAsync();
        Assert.Equal(0, await reply.Locator("a[href^='javascript']").CountAsync());
        var docs = reply.GetByRole(AriaRole.Link, new() { Name = "docs" });
        await Assertions.Expect(docs).ToHaveAttributeAsync("rel", new System.Text.RegularExpressions.Regex("noopener"));
        await reply.GetByText("click me").ClickAsync();
        Assert.Null(await page.EvaluateAsync<int?>("() => window.__pwned ?? null"));
        session.AssertNoPageErrors();
    }

    [BrowserFact]
    public async Task Story6_a_wrong_identity_hmac_is_refused_and_the_right_one_shows_the_customers_history()
    {
        var (admin, channel) = await ChannelAsync("Story6");
        // The customer chatted before, on another device.
        var before = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken, new { identifier = "cust-7", identifier_hash = WidgetKit.Hmac(channel.Secret, "cust-7") });
        var id = await WidgetKit.StartConversationAsync(before, channel.WebsiteToken);
        var earlier = app.Authorized(before.AccessToken);
        earlier.DefaultRequestHeaders.Add("Origin", _site.Origin);
        var stream = await earlier.PostAsJsonAsync("/api/v1/chat/stream", new { session_id = id, message = "My parcel is late" });
        Assert.Equal(200, (int)stream.StatusCode);
        await stream.Content.ReadAsStringAsync();

        await using (var wrong = await browser.OpenAsync(app.BaseAddress))
        {
            await wrong.Page.GotoAsync(_site.Page("/story6-wrong", app.BaseAddress, channel.WebsiteToken,
                settings: "window.ParleySettings = { user: { identifier: 'cust-7', identifier_hash: '" + WidgetKit.Hmac("not-the-secret", "cust-7") + "' } };"));
            await OpenAsync(wrong.Page);
            await Assertions.Expect(Widget(wrong.Page).GetByText("We could not verify your account.")).ToBeVisibleAsync();
            await Assertions.Expect(Widget(wrong.Page).GetByText("My parcel is late")).ToHaveCountAsync(0);
        }

        await using var right = await browser.OpenAsync(app.BaseAddress);
        await right.Page.GotoAsync(_site.Page("/story6-right", app.BaseAddress, channel.WebsiteToken,
            settings: "window.ParleySettings = { user: { identifier: 'cust-7', identifier_hash: '" + WidgetKit.Hmac(channel.Secret, "cust-7") + "' } };"));
        await OpenAsync(right.Page);
        await Assertions.Expect(Widget(right.Page).GetByText("My parcel is late")).ToBeVisibleAsync();
        right.AssertNoPageErrors();
    }

    [BrowserFact]
    public async Task Story7_the_open_widget_has_no_serious_accessibility_violations_and_keeps_focus_inside()
    {
        var (admin, channel) = await ChannelAsync("Story7");
        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await page.GotoAsync(_site.Page("/story7", app.BaseAddress, channel.WebsiteToken));
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Widget(page).GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        await page.Keyboard.TypeAsync("Hello there");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Widget(page).Locator(".msg.bot")).Not.ToHaveCountAsync(1);

        BrowserSession.AssertNoSeriousViolations(await session.AxeAsync("parley-chat"));

        // Focus stays in the open dialog; Escape closes it and returns focus to the launcher.
        for (var i = 0; i < 8; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            Assert.True(await page.EvaluateAsync<bool>("() => { const w = document.querySelector('parley-chat'); return document.activeElement === w && w.shadowRoot.querySelector('.panel').contains(w.shadowRoot.activeElement); }"));
        }

        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(Widget(page).GetByRole(AriaRole.Dialog)).ToBeHiddenAsync();
        Assert.Equal("Open chat", await page.EvaluateAsync<string>("() => document.querySelector('parley-chat').shadowRoot.activeElement.getAttribute('aria-label')"));
        session.AssertNoPageErrors();
    }
}
