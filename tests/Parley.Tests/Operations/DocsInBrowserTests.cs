using Microsoft.Playwright;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Operations;

/// <summary>
/// The interactive API documents as a person sees them: rendered by a real chromium from what Parley
/// serves, with no request to any other host (the docs work offline and leak nothing).
/// </summary>
public sealed class DocsInBrowserTests(SqliteApp app, Browser browser) : IClassFixture<SqliteApp>, IClassFixture<Browser>
{
    [BrowserFact]
    public async Task Redoc_renders_the_api_offline()
    {
        await using var session = await browser.OpenAsync(app.BaseAddress);

        await session.Page.GotoAsync("/redoc/index.html");

        await Assertions.Expect(session.Page.Locator("h1").First).ToContainTextAsync("Parley API");
        await Assertions.Expect(session.Page.GetByText("/api/v1/chat/message").First).ToBeAttachedAsync();
        AssertOnlyParleyWasAsked(session);
        session.AssertNoPageErrors();
    }

    [BrowserFact]
    public async Task Swagger_ui_renders_the_operations_offline()
    {
        await using var session = await browser.OpenAsync(app.BaseAddress);

        await session.Page.GotoAsync("/docs/index.html");

        await Assertions.Expect(session.Page.Locator(".opblock").First).ToBeVisibleAsync();
        await Assertions.Expect(session.Page.GetByRole(AriaRole.Button, new() { Name = "POST /api/v1/auth/login" }).First).ToBeVisibleAsync();
        AssertOnlyParleyWasAsked(session);
        session.AssertNoPageErrors();
    }

    /// <summary>
    /// Nothing came from another host. ReDoc's bundle still asks for its logo on a CDN; the page's
    /// Content-Security-Policy refuses it before it leaves the browser, so it has no response.
    /// </summary>
    private void AssertOnlyParleyWasAsked(BrowserSession session)
    {
        var foreign = session.Responses
            .Where(url => !url.StartsWith("data:", StringComparison.Ordinal) && !url.StartsWith("blob:", StringComparison.Ordinal))
            .Where(url => new Uri(url).Authority != app.BaseAddress.Authority)
            .ToList();
        Assert.True(foreign.Count == 0, "Responses from other hosts:\n" + string.Join("\n", foreign));
    }
}
