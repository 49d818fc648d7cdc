using System.Net.Http.Json;
using Microsoft.Playwright;
using Parley.Tests.Infrastructure;
using Parley.Tests.Knowledge;
using static Parley.Tests.Console.ConsoleBrowser;

namespace Parley.Tests.Console;

/// <summary>
/// Issue 15's last console features in a real chromium against a real Parley (SQLite): conversation
/// tags (live between two agents, the inbox's tag filter in the address, chips in the rows), the
/// canned responses admin page (the shortcut clash as the 409's message), and the grouped navigation
/// at 1024 px by keyboard. Every page is scanned with axe-core.
/// </summary>
public sealed class ConsoleFeaturesBrowserTests(SqliteApp app, Browser browser) : IClassFixture<SqliteApp>, IClassFixture<Browser>
{
    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..6];

    [BrowserFact]
    public async Task Agents_tag_a_conversation_live_and_the_inbox_filters_by_tag_in_the_address()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var agent = await app.CreateUserAsync(admin, "agent");
        var other = await app.CreateUserAsync(admin, "agent");
        var customer = await app.CreateUserAsync(admin);
        var title = Unique("Damaged parcel ");
        var first = await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/process", new { message = title }), 200);
        var id = first.GetProperty("session_id").GetString()!;
        await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/process", new { session_id = id, message = "I want to talk to a human" }), 200);
        await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/process", new { message = Unique("Untagged question ") }), 200);

        await using var watching = await browser.OpenAsync(app.BaseAddress);
        await SignInAsStaffAsync(watching.Page, other, $"/app/conversations/{id}");
        await Assertions.Expect(watching.Page.GetByTestId("tags")).ToBeVisibleAsync();

        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await SignInAsStaffAsync(page, agent, $"/app/conversations/{id}");
        var input = page.GetByLabel("Add a tag");
        await input.FillAsync("Damaged Goods");
        await input.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("tag")).ToHaveTextAsync(["damaged-goods ×"]);
        await input.FillAsync("<b>x</b>");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add tag" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("error")).ToContainTextAsync("letters, digits");
        await Assertions.Expect(page.Locator("[data-testid=tags] b")).ToHaveCountAsync(0);
        await input.FillAsync("vip");
        await input.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("tag")).ToHaveCountAsync(2);

        // The other agent's open page follows without a reload.
        await Assertions.Expect(watching.Page.GetByTestId("tag")).ToHaveCountAsync(2);
        await AssertAccessibleAsync(session);
        await ScreenshotAsync(page, "conversation-tags");

        // Removing by keyboard: the chip's button has the tag in its name.
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove tag vip" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("tag")).ToHaveCountAsync(1);
        await Assertions.Expect(watching.Page.GetByTestId("tag")).ToHaveCountAsync(1);

        // The inbox: the tag filter is applied by the server and kept in the address; rows show their tags.
        await page.GotoAsync("/app/inbox?view=waiting");
        await Assertions.Expect(page.GetByTestId("inbox-row").Filter(new() { HasText = title }).GetByTestId("row-tag")).ToHaveTextAsync(["damaged-goods"]);
        await page.GetByTestId("filter-tag").FillAsync("DAMAGED-goods");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("inbox-row")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("inbox-row")).ToContainTextAsync(title);
        Assert.Contains("tag=DAMAGED-goods", page.Url, StringComparison.Ordinal);
        await page.GotoAsync("/app/inbox?view=open&tag=damaged-goods");
        await Assertions.Expect(page.GetByTestId("inbox-empty")).ToBeVisibleAsync(); // the tagged one is escalated, not open
        await Assertions.Expect(page.GetByTestId("filter-tag")).ToHaveValueAsync("damaged-goods");
        await AssertAccessibleAsync(session);

        // The customer never sees a tag.
        var mine = await (await customer.Client.GetAsync("/api/v1/conversations")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("damaged-goods", mine, StringComparison.Ordinal);
        session.AssertNoPageErrors();
        watching.AssertNoPageErrors();
    }

    [BrowserFact]
    public async Task An_admin_keeps_the_canned_responses_and_a_shortcut_clash_shows_the_409_message()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        for (var i = 0; i < 20; i++)
        {
            await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/canned-responses", new { shortcut = $"a{i:00}", title = $"Filler {i}", content = "Filler text." }), 201);
        }

        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await SignInAsStaffAsync(page, admin, "/app/admin/canned-responses");
        await Assertions.Expect(page.GetByTestId("canned-row")).ToHaveCountAsync(20);

        await page.GetByLabel("Shortcut").FillAsync("/Refund");
        await page.GetByLabel("Title").FillAsync("Refund timing");
        await page.GetByLabel("Text").FillAsync("<b>Refunds</b> reach your card within 5 days.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create canned response" }).ClickAsync();

        // Paged on the server: the 21st, sorted by shortcut, is on page 2.
        await Assertions.Expect(page.GetByText("Page 1 of 2 (21)")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        var row = page.GetByTestId("canned-row").Filter(new() { HasText = "/refund" });
        await Assertions.Expect(row).ToContainTextAsync("<b>Refunds</b> reach your card");

        // A second response with the same shortcut: the API's 409 message, and the form keeps what was typed.
        await page.GetByLabel("Shortcut").FillAsync("refund");
        await page.GetByLabel("Title").FillAsync("Duplicate");
        await page.GetByLabel("Text").FillAsync("Another text.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create canned response" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("error")).ToContainTextAsync("The shortcut '/refund' is already used by another canned response.");
        await Assertions.Expect(page.GetByLabel("Title")).ToHaveValueAsync("Duplicate");
        await AssertAccessibleAsync(session);
        await ScreenshotAsync(page, "canned-responses");

        // Edit, then delete after the confirmation.
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await page.GetByLabel("Search", new() { Exact = true }).FillAsync("refund");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("canned-row")).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit /refund" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Title")).ToHaveValueAsync("Refund timing");
        await page.GetByLabel("Text").FillAsync("Refunds reach your card within 3 days.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("canned-row")).ToContainTextAsync("within 3 days");
        var api = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/canned-responses?search=refund"), 200);
        Assert.Equal("Refunds reach your card within 3 days.", api.GetProperty("items")[0].GetProperty("content").GetString());

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete /refund" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("canned-empty")).ToBeVisibleAsync();
        Assert.Equal(20, (await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/canned-responses"), 200)).GetProperty("total").GetInt32());
        session.AssertNoPageErrors();
    }

    [BrowserFact]
    public async Task The_navigation_is_grouped_fits_1024_px_works_by_keyboard_and_hides_admin_links_from_agents()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var agent = await app.CreateUserAsync(admin, "agent");
        await using var session = await browser.OpenAsync(app.BaseAddress, new() { ViewportSize = new() { Width = 1024, Height = 768 } });
        var page = session.Page;
        await SignInAsStaffAsync(page, admin);
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Console" });
        var desk = nav.GetByRole(AriaRole.Group, new() { Name = "Desk" });
        var adminGroup = nav.GetByRole(AriaRole.Group, new() { Name = "Admin" });
        await Assertions.Expect(desk.GetByRole(AriaRole.Link)).ToHaveTextAsync(["Inbox", "Tickets", "Analytics"]);
        await Assertions.Expect(adminGroup.GetByRole(AriaRole.Link)).ToHaveCountAsync(11);

        // Every link is on screen, one under the other, and none overlaps the page's content.
        var main = (await page.Locator("main").BoundingBoxAsync())!;
        var boxes = new List<LocatorBoundingBoxResult>();
        foreach (var link in await nav.GetByRole(AriaRole.Link).AllAsync())
        {
            var box = (await link.BoundingBoxAsync())!;
            Assert.True(box.X + box.Width <= main.X, $"a link overlaps the content: {box.X + box.Width} > {main.X}");
            Assert.True(box.Y + box.Height <= 768, $"a link is below the fold at 1024 x 768: {box.Y}");
            boxes.Add(box);
        }

        Assert.Equal(14, boxes.Count);
        Assert.All(boxes.Zip(boxes.Skip(1)), p => Assert.True(p.Second.Y > p.First.Y, "links should stack, one per line"));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth"));

        // Keyboard: Tab from the top reaches the links in order; Enter follows one.
        await page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" }).FocusAsync(); // the first stop of the page
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Inbox", (await page.EvaluateAsync<string>("() => document.activeElement.textContent")).Trim());
        for (var i = 0; i < 4; i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Equal("Knowledge", await page.EvaluateAsync<string>("() => document.activeElement.textContent.trim()"));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Knowledge sources", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Knowledge" })).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("active"));
        await AssertAccessibleAsync(session);
        await ScreenshotAsync(page, "navigation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        // Signing out revokes the session and clears the browser's copy; wait for the form it ends on,
        // or the next page load can still find the old tokens.
        await Assertions.Expect(page.GetByLabel("Email or username")).ToBeVisibleAsync();

        // An agent: the Desk group only.
        await SignInAsStaffAsync(page, agent);
        await Assertions.Expect(desk.GetByRole(AriaRole.Link)).ToHaveCountAsync(3);
        await Assertions.Expect(nav.GetByRole(AriaRole.Group, new() { Name = "Admin" })).ToHaveCountAsync(0);
        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Canned responses" })).ToHaveCountAsync(0);
        await AssertAccessibleAsync(session);
        session.AssertNoPageErrors();
    }
}

/// <summary>
/// The knowledge page's determinate progress bar for vectors, against embeddings a test answers one passage at a time: the
/// source is ready (searchable by keywords) at once, and the bar moves as its vectors are filled in.
/// </summary>
public sealed class IngestionProgressBrowserTests(Browser browser) : IClassFixture<Browser>, IAsyncLifetime
{
    private GatedEmbeddingServer _fake = null!;
    private GatedEmbeddingApp _app = null!;

    public async Task InitializeAsync()
    {
        _fake = await GatedEmbeddingServer.StartAsync();
        _app = new GatedEmbeddingApp(_fake.BaseAddress, postgres: false);
        await _app.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _fake.DisposeAsync();
        await _app.DisposeAsync();
    }

    [BrowserFact]
    public async Task A_ready_source_whose_vectors_are_filled_in_shows_a_real_percentage_that_moves_with_the_worker()
    {
        var admin = await _app.CreateTenantWithAdminAsync();
        var accepted = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources",
            new { name = "Delivery zones", type = "document", content = IngestionProgressTests.FourPassages() }), 202);
        var id = accepted.GetProperty("id").GetString()!;
        await using var session = await browser.OpenAsync(_app.BaseAddress);
        var page = session.Page;
        await SignInAsStaffAsync(page, admin, "/app/admin/knowledge");

        var row = page.GetByTestId("source-row").Filter(new() { HasText = "Delivery zones" });
        var bar = row.GetByTestId("source-embedding-progress");
        await Assertions.Expect(row.GetByTestId("source-status")).ToHaveTextAsync("ready");
        await Assertions.Expect(row.GetByTestId("source-embedding-text")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"^vectors 0 % \(0 of \d+ passages\)$"));
        var total = (await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/knowledge/sources/{id}"), 200)).GetProperty("embeddings").GetProperty("total").GetInt32();
        await Assertions.Expect(bar).ToHaveAttributeAsync("aria-valuenow", "0");

        _fake.Release();
        var percent = (100 / total).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Assertions.Expect(bar).ToHaveAttributeAsync("aria-valuenow", percent);
        await Assertions.Expect(bar).ToHaveAttributeAsync("value", percent);
        await Assertions.Expect(row.GetByTestId("source-embedding-text")).ToHaveTextAsync($"vectors {percent} % (1 of {total} passages)");
        await AssertAccessibleAsync(session);
        await ScreenshotAsync(page, "knowledge-progress");

        _fake.Release(total - 1);
        await Assertions.Expect(bar).ToHaveCountAsync(0);
        await Assertions.Expect(row.GetByTestId("source-status")).ToHaveTextAsync("ready");
        session.AssertNoPageErrors();
    }
}
