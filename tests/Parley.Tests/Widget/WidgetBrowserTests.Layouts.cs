using System.Text;
using Microsoft.Playwright;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Widget;

/// <summary>The remaining stories of issue 14: right-to-left, a phone, the pre-chat form and attachments.</summary>
public sealed partial class WidgetBrowserTests
{
    [BrowserFact]
    public async Task Story9_on_a_right_to_left_page_the_panel_mirrors()
    {
        var (_, channel) = await ChannelAsync("Story9");
        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await page.GotoAsync(_site.Page("/story9", app.BaseAddress, channel.WebsiteToken, settings: "document.documentElement.dir = 'rtl';"));
        await OpenAsync(page);
        var panel = Widget(page).Locator(".panel");
        Assert.Equal("rtl", await panel.EvaluateAsync<string>("n => getComputedStyle(n).direction"));
        // The channel says right (for left-to-right pages): mirrored, the launcher and panel sit on the left.
        var launcher = await Widget(page).Locator(".launcher").BoundingBoxAsync();
        var box = await panel.BoundingBoxAsync();
        Assert.True(launcher!.X < 100, $"Launcher at x={launcher.X}");
        Assert.True(box!.X < 100 && box.X + box.Width < 640, $"Panel at x={box.X}, width {box.Width}");
        // The text box follows: its start edge is the right one.
        var input = Widget(page).GetByRole(AriaRole.Textbox, new() { Name = "Type your message…" });
        Assert.Equal("rtl", await input.EvaluateAsync<string>("n => getComputedStyle(n).direction"));
        session.AssertNoPageErrors();
    }

    [BrowserFact]
    public async Task Story10_on_a_phone_the_open_panel_fills_the_screen()
    {
        var (_, channel) = await ChannelAsync("Story10");
        await using var session = await browser.OpenAsync(app.BaseAddress, new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true });
        var page = session.Page;
        await page.GotoAsync(_site.Page("/story10", app.BaseAddress, channel.WebsiteToken, head: "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
        await OpenAsync(page);
        var box = await Widget(page).Locator(".panel").BoundingBoxAsync();
        Assert.True(box is { X: <= 0.5f, Y: <= 0.5f } && box.Width >= 389 && box.Height >= 843, $"Panel {box?.X},{box?.Y} {box?.Width}x{box?.Height}");
        await AskAsync(page, "Hello from my phone");
        await Assertions.Expect(Widget(page).Locator(".msg.bot")).ToHaveCountAsync(2);
        var close = Widget(page).Locator("header").GetByRole(AriaRole.Button, new() { Name = "Close chat" });
        await Assertions.Expect(close).ToBeInViewportAsync();
        await close.ClickAsync();
        await Assertions.Expect(Widget(page).GetByRole(AriaRole.Dialog)).ToBeHiddenAsync();
        session.AssertNoPageErrors();
    }

    [BrowserFact]
    public async Task Story11_the_pre_chat_form_checks_the_email_and_the_agent_sees_who_is_writing()
    {
        var admin = await app.CreateTenantWithAdminAsync("Story11");
        var channel = await WidgetKit.CreateChannelAsync(admin, [_site.Origin], new { pre_chat_fields = new[] { "name", "email" } });
        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await page.GotoAsync(_site.Page("/story11", app.BaseAddress, channel.WebsiteToken));
        // The channel's settings have arrived (its name is the title) before the panel opens.
        await Assertions.Expect(Widget(page).Locator("#pc-title")).ToContainTextAsync("Shop");
        await OpenAsync(page);
        var name = Widget(page).GetByRole(AriaRole.Textbox, new() { Name = "Name" });
        var email = Widget(page).GetByRole(AriaRole.Textbox, new() { Name = "Email" });
        await Assertions.Expect(name).ToBeFocusedAsync();
        await Assertions.Expect(Widget(page).GetByRole(AriaRole.Textbox, new() { Name = "Type your message…" })).ToBeHiddenAsync();

        await name.FillAsync("Petra Prechat");
        await email.FillAsync("not-an-email");
        await Widget(page).GetByRole(AriaRole.Button, new() { Name = "Start chat" }).ClickAsync();
        Assert.False(await email.EvaluateAsync<bool>("n => n.validity.valid"));
        await Assertions.Expect(Widget(page).GetByRole(AriaRole.Button, new() { Name = "Start chat" })).ToBeVisibleAsync();
        Assert.DoesNotContain(session.Requests, r => r.Contains("/visitors", StringComparison.Ordinal));

        await email.FillAsync("petra@example.com");
        await email.PressAsync("Enter");
        await AskAsync(page, "Where is my parcel?");
        await Assertions.Expect(Widget(page).Locator(".msg.bot")).ToHaveCountAsync(2);
        var id = await ConversationAsync(page, channel.WebsiteToken);
        var conversation = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/conversations/{id}"), 200);
        Assert.Equal("Petra Prechat", conversation.GetProperty("metadata").GetProperty("visitor_name").GetString());
        Assert.Equal("petra@example.com", conversation.GetProperty("metadata").GetProperty("visitor_email").GetString());
        var visitors = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/widget/channels/{channel.Id}/visitors"), 200);
        var visitor = Assert.Single(visitors.GetProperty("items").EnumerateArray());
        Assert.Equal("petra@example.com", visitor.GetProperty("email").GetString());
        session.AssertNoPageErrors();
    }

    [BrowserFact]
    public async Task Story12_a_visitor_attaches_a_file_with_the_keyboard_and_the_agent_downloads_it()
    {
        var admin = await app.CreateTenantWithAdminAsync("Story12");
        var agent = await app.CreateUserAsync(admin, "agent");
        var channel = await WidgetKit.CreateChannelAsync(admin, [_site.Origin], new { allow_attachments = true });
        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        // File choosers are intercepted from the start: a waiter's own switch-on is sent beside the key press, not
        // awaited, and can reach the browser after it, when the chooser opens unseen (CI once waited 30 s for it).
        page.FileChooser += (_, _) => { };
        await page.GotoAsync(_site.Page("/story12", app.BaseAddress, channel.WebsiteToken));
        var attach = Widget(page).GetByRole(AriaRole.Button, new() { Name = "Attach a file" });
        await OpenAsync(page);
        await Assertions.Expect(attach).ToBeVisibleAsync();
        await AskAsync(page, "My order arrived broken");
        // The answer may take long on a busy machine; only its arrival matters here.
        await Assertions.Expect(Widget(page).Locator(".msg.bot")).ToHaveCountAsync(2, new() { Timeout = 90_000 });

        // The answer's final event may still be arriving; let the turn end before the keyboard takes over.
        await Assertions.Expect(Widget(page).Locator(".typing")).ToBeHiddenAsync(new() { Timeout = 90_000 });
        await attach.FocusAsync();
        await Assertions.Expect(attach).ToBeFocusedAsync();
        var chooser = await page.RunAndWaitForFileChooserAsync(() => attach.PressAsync("Enter"), new() { Timeout = 90_000 });
        await chooser.SetFilesAsync(new FilePayload { Name = "damage.txt", MimeType = "text/plain", Buffer = Encoding.UTF8.GetBytes("The lid is cracked.") });
        var chip = Widget(page).GetByRole(AriaRole.Button, new() { Name = "Download damage.txt" });
        await Assertions.Expect(chip).ToHaveCountAsync(1);

        var id = await ConversationAsync(page, channel.WebsiteToken);
        var messages = await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/conversations/{id}/messages"), 200);
        var url = messages.GetProperty("items").EnumerateArray().Last().GetProperty("metadata").GetProperty("attachments")[0].GetProperty("url").GetString()!;
        Assert.Equal("The lid is cracked.", await agent.Client.GetStringAsync(url));

        // The visitor downloads its own file from the widget.
        var download = await page.RunAndWaitForDownloadAsync(() => chip.ClickAsync());
        Assert.Equal("damage.txt", download.SuggestedFilename);
        session.AssertNoPageErrors();

        // A channel without attachments shows no button.
        var (_, plain) = await ChannelAsync("Story12 plain");
        await page.GotoAsync(_site.Page("/story12-plain", app.BaseAddress, plain.WebsiteToken));
        await Assertions.Expect(Widget(page).Locator("#pc-title")).ToContainTextAsync("Shop");
        await OpenAsync(page);
        await Assertions.Expect(attach).ToBeHiddenAsync();
    }
}
