using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Parley.Tests.Infrastructure;
using Parley.Tests.Knowledge;
using static Parley.Tests.Console.ConsoleBrowser;

namespace Parley.Tests.Console;

/// <summary>Parley on SQLite with web-page sources on, allowed to fetch from 127.0.0.1 (the test's help site).</summary>
public sealed class AdminConsoleApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Parley:Knowledge:AllowUrlSources", "true"),
        new("Parley:Outbound:Allow:0", "127.0.0.1"),
    ];
}

/// <summary>A customer's help site on 127.0.0.1 (a free port) whose returns page the test can change.</summary>
public sealed class HelpSite : IAsyncLifetime
{
    private WebApplication? _app;

    public string ReturnsText { get; set; } = "";

    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _app = builder.Build();
        _app.Urls.Add("http://127.0.0.1:0");
        _app.MapGet("/help/returns", () => Results.Content(
            $"<!doctype html><html><head><title>Returns</title></head><body><h1>Returns</h1><p>{ReturnsText}</p></body></html>", "text/html"));
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>
/// Issue 15's admin pages, part 1, as an admin uses them in a real chromium against a real Parley:
/// assistants with their test chat, web widget channels with the snippet and a live preview, and
/// the knowledge page's web pages and re-ingestion. Every page is scanned with axe-core.
/// </summary>
public sealed class AdminConsoleBrowserTests(AdminConsoleApp app, HelpSite site, Browser browser)
    : IClassFixture<AdminConsoleApp>, IClassFixture<HelpSite>, IClassFixture<Browser>
{
    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    [BrowserFact]
    public async Task An_admin_creates_an_assistant_and_its_test_chat_answers_with_a_citation_from_its_knowledge()
    {
        // Two sources answer the same question; the assistant may use only the first one's category.
        var category = Unique("returns");
        var cited = Unique("Returns policy");
        var other = Unique("Warehouse notes");
        await KnowledgeWait.ReadyAsync(app.Admin, await Json.ReadAsync(await app.Admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources", new
        {
            name = cited,
            type = "text",
            category,
            content = "How do I return an item? Items can be returned within 30 days of delivery; the refund reaches your card within 5 business days.",
        }), 202));
        await KnowledgeWait.ReadyAsync(app.Admin, await Json.ReadAsync(await app.Admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources", new
        {
            name = other,
            type = "text",
            category = Unique("internal"),
            content = "How do I return an item to the warehouse shelf? Items are returned to shelf B within 2 hours.",
        }), 202));

        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await SignInAsStaffAsync(page, app.Admin, "/app/admin/assistants");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Assistants", Exact = true })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "New assistant" }).ClickAsync();

        var name = Unique("Returns helper");
        await page.Locator("#assistant-name").FillAsync(name);
        await page.GetByLabel("System prompt").FillAsync("You help customers with returns. Be brief.");
        await page.GetByLabel("Knowledge categories").FillAsync(category);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create assistant" }).ClickAsync();
        var row = page.GetByTestId("assistant-row").Filter(new() { HasText = name });
        await Assertions.Expect(row).ToContainTextAsync(category);

        // The test chat opens for the new assistant: a streamed answer with its citation, intent and confidence.
        await page.GetByTestId("test-chat-message").FillAsync("How do I return an item?");
        await page.GetByTestId("test-chat-message").PressAsync("Enter");
        var answer = page.GetByTestId("test-chat-answer").Last;
        await Assertions.Expect(answer.GetByTestId("answer-text")).ToContainTextAsync("30 days");
        await Assertions.Expect(answer.GetByTestId("citation").First).ToContainTextAsync(cited);
        await Assertions.Expect(answer.GetByTestId("citation").Filter(new() { HasText = other })).ToHaveCountAsync(0);
        await Assertions.Expect(answer.GetByTestId("intent")).Not.ToBeEmptyAsync();
        await Assertions.Expect(answer.GetByTestId("confidence")).ToContainTextAsync("%");
        await AssertAccessibleAsync(session);
        await ScreenshotAsync(page, "assistants");

        // What the page saved is what the API holds, and the test chat was a conversation of that assistant.
        var listed = await Json.ReadAsync(await app.Admin.Client.GetAsync($"/api/v1/assistants?search={Uri.EscapeDataString(name)}"), 200);
        var assistant = Assert.Single(listed.GetProperty("items").EnumerateArray());
        var assistantId = assistant.GetProperty("id").GetString()!;
        Assert.Equal([category], assistant.GetProperty("knowledge_categories").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("You help customers with returns. Be brief.", assistant.GetProperty("system_prompt").GetString());
        var conversations = await Json.ReadAsync(await app.Admin.Client.GetAsync($"/api/v1/conversations?search={Uri.EscapeDataString(name)}&size=100"), 200);
        Assert.Contains(conversations.GetProperty("items").EnumerateArray(), c => c.GetProperty("assistant_id").GetString() == assistantId);

        // Deleting asks first; keeping it changes nothing, confirming deletes it.
        await row.GetByRole(AriaRole.Button, new() { Name = $"Delete {name}" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Keep it" }).ClickAsync();
        Assert.Equal(200, (int)(await app.Admin.Client.GetAsync($"/api/v1/assistants/{assistantId}")).StatusCode);
        await row.GetByRole(AriaRole.Button, new() { Name = $"Delete {name}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Delete {name}", Exact = true }).Last).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(row).ToHaveCountAsync(0);
        Assert.Equal(404, (int)(await app.Admin.Client.GetAsync($"/api/v1/assistants/{assistantId}")).StatusCode);
        session.AssertNoPageErrors();
    }

    [BrowserFact]
    public async Task An_admin_creates_a_widget_channel_copies_the_snippet_and_the_preview_runs_the_widget()
    {
        await using var session = await browser.OpenAsync(app.BaseAddress);
        await session.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = app.BaseAddress.GetLeftPart(UriPartial.Authority) });
        var page = session.Page;
        await SignInAsStaffAsync(page, app.Admin, "/app/admin/widget");
        await page.GetByRole(AriaRole.Button, new() { Name = "New channel" }).ClickAsync();

        var name = Unique("Shop");
        var greeting = "Hello from " + name;
        await page.Locator("#channel-name").FillAsync(name);
        await page.GetByLabel("Greeting").FillAsync(greeting);
        await page.GetByLabel("Allowed origins").FillAsync("shop.example.com/path");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create channel" }).ClickAsync();

        // The server's refusal is shown with the field it is about; nothing was created.
        await Assertions.Expect(page.GetByTestId("error")).ToContainTextAsync("allowed_origins");
        await Assertions.Expect(page.GetByTestId("channel-row").Filter(new() { HasText = name })).ToHaveCountAsync(0);

        await page.GetByLabel("Allowed origins").FillAsync("https://shop.example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create channel" }).ClickAsync();
        var secret = page.GetByTestId("identity-secret");
        await Assertions.Expect(secret).ToBeVisibleAsync();
        var shownSecret = await secret.Locator("code").InnerTextAsync();
        Assert.False(string.IsNullOrWhiteSpace(shownSecret));
        await Assertions.Expect(page.GetByTestId("channel-row").Filter(new() { HasText = name })).ToContainTextAsync("https://shop.example.com");

        var channels = await Json.ReadAsync(await app.Admin.Client.GetAsync($"/api/v1/widget/channels?search={Uri.EscapeDataString(name)}"), 200);
        var channel = Assert.Single(channels.GetProperty("items").EnumerateArray());
        Assert.Equal(greeting, channel.GetProperty("greeting").GetString());
        var snippet = channel.GetProperty("embed_snippet").GetString()!;

        await Assertions.Expect(page.GetByTestId("embed-snippet")).ToHaveTextAsync(snippet);
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy snippet" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("copy-status")).ToHaveTextAsync("Copied to the clipboard.");
        Assert.Equal(snippet, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        // The preview runs this channel's widget: its launcher opens the panel with the channel's greeting.
        var preview = page.FrameLocator("[data-testid=widget-preview]");
        var launcher = preview.GetByRole(AriaRole.Button, new() { Name = "Open chat" });
        await page.GetByTestId("widget-preview").ScrollIntoViewIfNeededAsync();
        await Assertions.Expect(launcher).ToBeVisibleAsync();
        await AssertAccessibleAsync(session);
        await launcher.ClickAsync();
        await Assertions.Expect(preview.Locator("parley-chat").GetByText(greeting)).ToBeVisibleAsync();
        await ScreenshotAsync(page, "widget");

        // A change is saved and the preview restarts with it; rotating shows a new secret once.
        await page.GetByLabel("Greeting").FillAsync("Changed " + greeting);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save channel" }).ClickAsync();
        await Assertions.Expect(preview.GetByRole(AriaRole.Button, new() { Name = "Open chat" })).ToBeVisibleAsync();
        await page.GetByTestId("widget-preview").ScrollIntoViewIfNeededAsync();
        await preview.GetByRole(AriaRole.Button, new() { Name = "Open chat" }).ClickAsync();
        await Assertions.Expect(preview.Locator("parley-chat").GetByText("Changed " + greeting)).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate identity secret" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate the secret" }).ClickAsync();
        await Assertions.Expect(secret.Locator("code")).Not.ToHaveTextAsync(shownSecret);
        var rotated = await secret.Locator("code").InnerTextAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "I have copied it" }).ClickAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("channel-row").Filter(new() { HasText = name })).ToBeVisibleAsync();
        var html = await page.ContentAsync();
        Assert.DoesNotContain(shownSecret, html, StringComparison.Ordinal);
        Assert.DoesNotContain(rotated, html, StringComparison.Ordinal);
        session.AssertNoPageErrors();
    }

    [BrowserFact]
    public async Task An_admin_adds_a_web_page_watches_it_index_and_reingests_it_after_the_page_changed()
    {
        site.ReturnsText = "Parcels can be sent back within 30 days using the prepaid label.";
        var url = new Uri(site.BaseAddress, "/help/returns?" + Guid.NewGuid().ToString("N")[..8]).ToString();
        var name = Unique("Help returns");
        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await SignInAsStaffAsync(page, app.Admin, "/app/admin/knowledge");

        await page.GetByTestId("url-input").FillAsync(url);
        await page.GetByLabel("Name (optional").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add page" }).ClickAsync();
        var row = page.GetByTestId("source-row").Filter(new() { HasText = name });
        await Assertions.Expect(row.GetByTestId("source-status")).ToHaveTextAsync("ready");
        await Assertions.Expect(row.GetByTestId("source-progress")).ToHaveCountAsync(0);
        await Assertions.Expect(row).ToContainTextAsync("version 1");

        await page.GetByLabel("Question").FillAsync("prepaid label");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        var hit = page.GetByTestId("hit").Filter(new() { HasText = name }).First;
        await Assertions.Expect(hit).ToContainTextAsync("score");
        await Assertions.Expect(hit).ToContainTextAsync("30 days");

        // The page changes on the site; re-ingesting fetches it again.
        site.ReturnsText = "Parcels can be sent back within 45 days using the prepaid label.";
        await row.GetByRole(AriaRole.Button, new() { Name = $"Re-ingest {name}" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("version 2");
        await Assertions.Expect(row.GetByTestId("source-status")).ToHaveTextAsync("ready");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("hit").Filter(new() { HasText = name }).First).ToContainTextAsync("45 days");
        await AssertAccessibleAsync(session);
        session.AssertNoPageErrors();
    }

    [BrowserFact]
    public async Task Agents_see_neither_page_in_the_navigation_and_a_typed_address_shows_admins_only()
    {
        var agent = await app.CreateUserAsync(app.Admin, "agent");
        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await SignInAsStaffAsync(page, agent);
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Console" });
        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Inbox" })).ToBeVisibleAsync();
        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Assistants" })).ToHaveCountAsync(0);
        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Widget" })).ToHaveCountAsync(0);
        foreach (var path in new[] { "/app/admin/assistants", "/app/admin/widget" })
        {
            await page.GotoAsync(path);
            await Assertions.Expect(page.GetByTestId("admins-only")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "New assistant" })).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "New channel" })).ToHaveCountAsync(0);
        }

        session.AssertNoPageErrors();
    }
}
