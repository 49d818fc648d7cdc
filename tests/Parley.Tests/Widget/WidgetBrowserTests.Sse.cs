using System.Net.Http.Json;
using Microsoft.Playwright;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Widget;

/// <summary>Issue 14's fallback: a page where WebSocket cannot be used still gets answers and agents over SSE.</summary>
public sealed partial class WidgetBrowserTests
{
    /// <summary>A page (or proxy) without WebSocket: the constructor throws, or every socket closes before it opens.</summary>
    public static TheoryData<string> NoWebSocket => new()
    {
        "window.WebSocket = function () { throw new Error('blocked'); };",
        """
        window.WebSocket = class {
          constructor() { this.readyState = 0; setTimeout(() => { this.readyState = 3; this.onclose && this.onclose({ code: 1006, reason: '' }); }, 10); }
          send() { throw new Error('not open'); }
          close() { this.readyState = 3; }
        };
        """,
    };

    [BrowserTheory]
    [MemberData(nameof(NoWebSocket))]
    public async Task Story13_without_websockets_the_answer_streams_over_sse_once_and_the_agent_reaches_the_widget(string blocker)
    {
        var (admin, channel) = await ChannelAsync("Story13");
        var agent = await app.CreateUserAsync(admin, "agent");
        await ReadyAsync(admin, "Returns policy", "How do I return an item?",
            "Items can be returned within 30 days of delivery. Start a return from Orders > Return item; the refund reaches your card within 5 business days.");
        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await page.AddInitScriptAsync(blocker);
        await page.GotoAsync(_site.Page("/story13", app.BaseAddress, channel.WebsiteToken));
        await OpenAsync(page);
        await Assertions.Expect(Widget(page).GetByText("Hello!")).ToBeVisibleAsync();

        await AskAsync(page, "How do I return an item?");
        var answer = Widget(page).Locator(".msg.bot", new() { HasText = "within 30 days of delivery" });
        await Assertions.Expect(answer).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await Assertions.Expect(answer.Locator(".cites li")).ToContainTextAsync("[1] Returns policy");

        // A person: the handoff request is a turn too; the claim and the agent's words come by the event stream.
        await Widget(page).GetByRole(AriaRole.Button, new() { Name = "Talk to a person" }).ClickAsync();
        await Assertions.Expect(Widget(page).GetByText("Connecting you with a person…")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var id = await ConversationAsync(page, channel.WebsiteToken);
        await Json.ReadAsync(await agent.Client.PostAsync($"/api/v1/handoff/{id}/claim", null), 200);
        await Assertions.Expect(Widget(page).GetByText($"{agent.Username} joined the conversation")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Json.ReadAsync(await agent.Client.PostAsJsonAsync($"/api/v1/handoff/{id}/messages", new { content = "Hi, I'm here to help with your return." }), 201);
        var reply = Widget(page).Locator(".msg.agent").Last;
        await Assertions.Expect(reply).ToContainTextAsync("Hi, I'm here to help with your return.", new() { Timeout = 60_000 });
        await Assertions.Expect(reply.Locator(".who")).ToHaveTextAsync(agent.Username!);

        // The event stream replayed the whole conversation after the stream's final: still each message once.
        await Assertions.Expect(answer).ToHaveCountAsync(1);
        await Assertions.Expect(Widget(page).Locator(".msg.user", new() { HasText = "How do I return an item?" })).ToHaveCountAsync(1);
        await Assertions.Expect(Widget(page).Locator(".msg.user", new() { HasText = "I want to talk to a human" })).ToHaveCountAsync(1);
        await Assertions.Expect(Widget(page).Locator(".msg.agent")).ToHaveCountAsync(1);
        await Assertions.Expect(Widget(page).Locator(".status")).ToBeHiddenAsync();
        Assert.Contains(session.Requests, r => r.Contains($"/conversations/{id}/events", StringComparison.Ordinal));
        Assert.Contains(session.Requests, r => r.EndsWith("/api/v1/chat/stream", StringComparison.Ordinal));
        session.AssertNoPageErrors();
    }
}
