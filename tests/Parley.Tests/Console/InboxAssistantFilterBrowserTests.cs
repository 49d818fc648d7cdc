using System.Net.Http.Json;
using Microsoft.Playwright;
using Parley.Tests.Infrastructure;
using static Parley.Tests.Console.ConsoleBrowser;

namespace Parley.Tests.Console;

/// <summary>
/// The inbox's assistant filter in a real chromium. The assistants' names load alongside the list
/// (not before it, for speed), so an address that names an assistant must still show it chosen once
/// the names arrive, and the list must hold only its conversations.
/// </summary>
public sealed class InboxAssistantFilterBrowserTests(SqliteApp app, Browser browser) : IClassFixture<SqliteApp>, IClassFixture<Browser>
{
    [BrowserFact]
    public async Task An_address_with_an_assistant_shows_it_chosen_and_only_its_conversations()
    {
        var agent = await app.CreateUserAsync(app.Admin, "agent");
        var name = "Billing helper " + Guid.NewGuid().ToString("N")[..6];
        var assistant = await Json.ReadAsync(await app.Admin.Client.PostAsJsonAsync("/api/v1/assistants", new { name, system_prompt = "Be brief." }), 201);
        var assistantId = assistant.GetProperty("id").GetString()!;
        var tag = Guid.NewGuid().ToString("N")[..8];
        await Json.ReadAsync(await app.Admin.Client.PostAsJsonAsync("/api/v1/conversations", new { title = $"Invoice {tag}", assistant_id = assistantId }), 201);
        await Json.ReadAsync(await app.Admin.Client.PostAsJsonAsync("/api/v1/conversations", new { title = $"Parcel {tag}" }), 201);

        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await SignInAsStaffAsync(page, agent, $"/app/inbox?view=open&q={tag}");
        await Assertions.Expect(page.GetByTestId("inbox-row")).ToHaveCountAsync(2);

        await page.GotoAsync($"/app/inbox?view=open&q={tag}&assistant={assistantId}");
        await Assertions.Expect(page.GetByTestId("inbox-row")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("inbox-row")).ToContainTextAsync("Invoice " + tag);
        await Assertions.Expect(page.GetByTestId("filter-assistant")).ToHaveValueAsync(assistantId);
        await Assertions.Expect(page.GetByTestId("filter-assistant").Locator("option:checked")).ToHaveTextAsync(name);

        // Choosing "any" again brings both back.
        await page.GetByTestId("filter-assistant").SelectOptionAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("inbox-row")).ToHaveCountAsync(2);
        session.AssertNoPageErrors();
    }
}
