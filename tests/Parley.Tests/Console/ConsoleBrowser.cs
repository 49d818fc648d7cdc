using Microsoft.Playwright;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Console;

/// <summary>What the console's browser tests share: signing in through the page and keeping screenshots for docs/console.md.</summary>
public static class ConsoleBrowser
{
    public static async Task SignInAsync(IPage page, TestUser user, string path = "/app/")
    {
        await page.GotoAsync(path);
        await page.GetByLabel("Email or username").FillAsync(user.Email);
        await page.GetByLabel("Password").FillAsync(user.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>Signs in and waits until the console shows the signed-in header.</summary>
    public static async Task SignInAsStaffAsync(IPage page, TestUser user, string path = "/app/")
    {
        await SignInAsync(page, user, path);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    /// <summary>A screenshot into docs/console/ (referenced by docs/console.md), taken at 1280 x 800.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Parley.slnx")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            return; // tests run from a copy without the repository: nothing to document
        }

        var target = Path.Combine(directory.FullName, "docs", "console");
        Directory.CreateDirectory(target);
        await page.ScreenshotAsync(new() { Path = Path.Combine(target, name + ".png") });
    }

    public static async Task AssertAccessibleAsync(BrowserSession session) => BrowserSession.AssertNoSeriousViolations(await session.AxeAsync());
}
