using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Parley.Tests.Infrastructure;
using Parley.Tests.Integrations;
using static Parley.Tests.Console.ConsoleBrowser;

namespace Parley.Tests.Console;

/// <summary>
/// Issue 15's admin pages, part 2, as an admin uses them in a real chromium against a real Parley
/// (SQLite, allowed to call 127.0.0.1 for the fake upstream): API keys, integrations and tools,
/// users and roles, plans and usage, understanding. Every page is scanned with axe-core. Each story
/// works in a tenant of its own (made by the platform admin) so its settings touch no other test.
/// </summary>
public sealed class AdminPagesBrowserTests(LoopbackToolsApp app, Browser browser) : IClassFixture<LoopbackToolsApp>, IClassFixture<Browser>
{
    private static PageGetByLabelOptions Exact => new() { Exact = true };

    [BrowserFact]
    public async Task An_admin_creates_an_api_key_sees_it_once_and_after_revoking_it_the_key_gets_401()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await SignInAsStaffAsync(page, admin, "/app/admin/api-keys");

        await page.GetByLabel("Name", Exact).FillAsync("Nightly export");
        await page.GetByLabel("Role", Exact).SelectOptionAsync("agent");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var shown = page.GetByTestId("api-key-value");
        await Assertions.Expect(shown).ToBeVisibleAsync();
        var key = await shown.InnerTextAsync();
        var row = page.GetByTestId("api-key-row").Filter(new() { HasText = "Nightly export" });
        await Assertions.Expect(row).ToContainTextAsync(key[..12]);
        await Assertions.Expect(row.GetByTestId("api-key-status")).ToHaveTextAsync("active");

        using var keyed = app.Anonymous();
        keyed.DefaultRequestHeaders.Add("X-API-Key", key);
        Assert.Equal(HttpStatusCode.OK, (await keyed.GetAsync("/api/v1/auth/me")).StatusCode);

        await page.GetByRole(AriaRole.Button, new() { Name = "I have copied it" }).ClickAsync();
        await Assertions.Expect(shown).ToHaveCountAsync(0);
        await AssertAccessibleAsync(session);
        await ScreenshotAsync(page, "api-keys");

        // Revoked: gone from the list of active keys, and refused by the API at once.
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke Nightly export" }).ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.Unauthorized, (await keyed.GetAsync("/api/v1/auth/me")).StatusCode);
        await page.GetByLabel("Show revoked keys").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Assertions.Expect(row.GetByTestId("api-key-status")).ToHaveTextAsync("revoked");

        // The key is never shown again.
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API keys" })).ToBeVisibleAsync();
        Assert.DoesNotContain(key, await page.ContentAsync(), StringComparison.Ordinal);
        session.AssertNoPageErrors();
    }

    [BrowserFact]
    public async Task An_admin_connects_an_integration_and_a_custom_tool_to_a_local_service_and_the_test_fails_once_it_stops()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var upstream = await StatusUpstream.StartAsync(requiredToken: "upstream-secret-1");
        try
        {
            await using var session = await browser.OpenAsync(app.BaseAddress);
            var page = session.Page;
            await SignInAsStaffAsync(page, admin, "/app/admin/integrations");

            await page.GetByLabel("Name", Exact).FillAsync("Order service");
            await page.GetByLabel("Type", Exact).SelectOptionAsync("http");
            await page.GetByLabel("Base URL").FillAsync(upstream.Url());
            await page.GetByLabel("Connection test path").FillAsync("/health");
            await page.GetByLabel("Bearer token").FillAsync("upstream-secret-1");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create integration" }).ClickAsync();
            var row = page.GetByTestId("integration-row").Filter(new() { HasText = "Order service" });
            await Assertions.Expect(row).ToContainTextAsync("set");

            await row.GetByRole(AriaRole.Button, new() { Name = "Test Order service" }).ClickAsync();
            var result = page.GetByTestId("test-result");
            await Assertions.Expect(result.GetByTestId("test-status")).ToHaveTextAsync("success");
            await Assertions.Expect(result).ToContainTextAsync("200");
            await Assertions.Expect(result.GetByTestId("test-latency")).ToContainTextAsync("ms");
            Assert.Contains(upstream.RequestsTo("/health"), r => r.Authorization == "Bearer upstream-secret-1");
            await AssertAccessibleAsync(session);
            await ScreenshotAsync(page, "integrations");

            // Editing shows the secret as set, never its value.
            await row.GetByRole(AriaRole.Button, new() { Name = "Edit Order service" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("credentials-state")).ToContainTextAsync("Set.");
            Assert.DoesNotContain("upstream-secret-1", await page.ContentAsync(), StringComparison.Ordinal);
            await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

            // A custom tool against the same service, tried from the page.
            await page.GotoAsync("/app/admin/tools");
            await page.GetByLabel("Name", Exact).FillAsync("Order lookup");
            await page.GetByLabel("URL template").FillAsync(upstream.Url("/orders/{order_id}"));
            await page.GetByLabel("Parameters (JSON Schema)").FillAsync("{\"type\":\"object\",\"properties\":{\"order_id\":{\"type\":\"string\"}},\"required\":[\"order_id\"]}");
            await page.GetByLabel("Header name").FillAsync("X-Api-Key");
            await page.GetByLabel("Header value").FillAsync("tool-secret-2");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create tool" }).ClickAsync();
            var toolRow = page.GetByTestId("tool-row").Filter(new() { HasText = "order_lookup" });
            await Assertions.Expect(toolRow).ToContainTextAsync("custom");
            await Assertions.Expect(toolRow).ToContainTextAsync("set");
            await toolRow.GetByRole(AriaRole.Button, new() { Name = "Try order_lookup" }).ClickAsync();
            await page.GetByLabel("Arguments (JSON object)").FillAsync("{\"order_id\": \"A-1001\"}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("tool-run-status")).ToHaveTextAsync("completed");
            Assert.Contains(upstream.RequestsTo("/orders/A-1001"), r => r.Headers.TryGetValue("X-Api-Key", out var v) && v == "tool-secret-2");

            // Bad input is the envelope's message on the page, not a blank page.
            await page.GetByLabel("Arguments (JSON object)").FillAsync("{}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("error")).ToContainTextAsync("request");

            // An intent route that runs the tool.
            await page.GetByLabel("Intent", Exact).FillAsync("order_status");
            await page.GetByLabel("Keywords (comma-separated)").FillAsync("where is order, track order");
            await page.GetByLabel("Tool id").FillAsync("order_lookup");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create route" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("route-row").Filter(new() { HasText = "order_status" })).ToContainTextAsync("track order");
            await AssertAccessibleAsync(session);
            await ScreenshotAsync(page, "tools");
            Assert.DoesNotContain("tool-secret-2", await page.ContentAsync(), StringComparison.Ordinal);

            // The service stops: the same connection test now fails, and says why.
            await upstream.DisposeAsync();
            await page.GotoAsync("/app/admin/integrations");
            await page.GetByRole(AriaRole.Button, new() { Name = "Test Order service" }).ClickAsync();
            await Assertions.Expect(result.GetByTestId("test-status")).ToHaveTextAsync("failed");
            await Assertions.Expect(result.GetByTestId("test-reason")).ToHaveTextAsync("unreachable");
            await Assertions.Expect(row.GetByTestId("integration-status")).ToHaveTextAsync("error");
            session.AssertNoPageErrors();
        }
        finally
        {
            await upstream.DisposeAsync();
        }
    }

    [BrowserFact]
    public async Task An_admin_turns_off_email_redaction_and_the_next_chat_turn_keeps_the_address()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        const string message = "Please update my contact to casey.doe@example.com";
        Assert.DoesNotContain("casey.doe@example.com", await StoredTurnAsync(customer, message), StringComparison.Ordinal);

        await using var session = await browser.OpenAsync(app.BaseAddress);
        var page = session.Page;
        await SignInAsStaffAsync(page, admin, "/app/admin/understanding");
        await Assertions.Expect(page.GetByTestId("redaction-origin")).ToContainTextAsync("platform");
        var email = page.Locator("input[data-type='email']");
        await Assertions.Expect(email).ToBeCheckedAsync();
        await email.UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save redaction settings" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("redaction-saved")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("redaction-origin")).ToContainTextAsync("This workspace's settings");

        // The customer's next turn keeps the address; the page's own try shows nothing redacted.
        Assert.Contains("casey.doe@example.com", await StoredTurnAsync(customer, message), StringComparison.Ordinal);
        await page.GetByTestId("redaction-message").FillAsync(message);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("redactions")).ToHaveTextAsync("nothing");

        // Training: progress while it runs, then the held-out figures.
        await page.GetByLabel("Name (lowercase letters, digits, _)").FillAsync("loyalty_points");
        await page.GetByLabel("Examples (one a line)").FillAsync("how many loyalty points do I have\ncheck my points balance\nloyalty points total");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add intent" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("intent-detail")).ToContainTextAsync("check my points balance");
        await page.GetByTestId("train").ClickAsync();
        // Training embeds every example with both encoders; on a loaded two-core machine that can pass 30 s.
        await Assertions.Expect(page.GetByTestId("training-result")).ToBeVisibleAsync(new() { Timeout = 90_000 });
        await Assertions.Expect(page.GetByTestId("model-status")).ToContainTextAsync("version 1");
        await Assertions.Expect(page.GetByTestId("held-out-accuracy")).ToContainTextAsync("%");

        await page.GetByLabel("Entity type").FillAsync("membership");
        await page.GetByLabel("Entries, one a line").FillAsync("Gold: gold tier, vip\nSilver");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add list" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("lookup-row").Filter(new() { HasText = "membership" })).ToContainTextAsync("Gold (gold tier, vip)");
        await AssertAccessibleAsync(session);
        await ScreenshotAsync(page, "understanding");
        session.AssertNoPageErrors();
    }

    [BrowserFact]
    public async Task An_admin_adds_a_person_changes_their_role_and_deactivates_them_and_agents_see_no_admin_pages()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var agent = await app.CreateUserAsync(admin, "agent");
        var name = "newhire" + Guid.NewGuid().ToString("N")[..6];
        await using (var session = await browser.OpenAsync(app.BaseAddress))
        {
            var page = session.Page;
            await SignInAsStaffAsync(page, admin, "/app/admin/users");
            var form = page.GetByTestId("user-form");
            await form.GetByLabel("Email", new() { Exact = true }).FillAsync($"{name}@example.com");
            await form.GetByLabel("Username", new() { Exact = true }).FillAsync(name);
            await form.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync("user");
            await form.GetByLabel("First password").FillAsync("first-pass-123");
            await page.GetByRole(AriaRole.Button, new() { Name = "Add user" }).ClickAsync();

            await page.GetByLabel("Search", Exact).FillAsync(name);
            await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
            var row = page.GetByTestId("user-row");
            await Assertions.Expect(row).ToHaveCountAsync(1);
            await Assertions.Expect(row).ToContainTextAsync(name);

            await row.GetByLabel($"Role of {name}@example.com").SelectOptionAsync("agent");
            await row.GetByRole(AriaRole.Button, new() { Name = $"Save role of {name}@example.com" }).ClickAsync();
            await Assertions.Expect(row.GetByRole(AriaRole.Button, new() { Name = $"Save role of {name}@example.com" })).ToHaveCountAsync(0);
            var user = await app.LoginAsync($"{name}@example.com", "first-pass-123");
            Assert.Equal("agent", user.Role);

            await row.GetByRole(AriaRole.Button, new() { Name = $"Deactivate {name}@example.com" }).ClickAsync();
            await Assertions.Expect(row.GetByTestId("user-status")).ToHaveTextAsync("deactivated");
            var refused = await app.Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { email = $"{name}@example.com", password = "first-pass-123" });
            Assert.False(refused.IsSuccessStatusCode);
            await AssertAccessibleAsync(session);

            await page.GetByLabel("Search", Exact).FillAsync("");
            await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("user-row")).ToHaveCountAsync(3);
            await ScreenshotAsync(page, "users");
            session.AssertNoPageErrors();
        }

        await using (var session = await browser.OpenAsync(app.BaseAddress))
        {
            await SignInAsStaffAsync(session.Page, agent);
            var nav = session.Page.GetByRole(AriaRole.Navigation, new() { Name = "Console" });
            foreach (var link in new[] { "Integrations", "Tools", "Users", "API keys", "Plan", "Understanding" })
            {
                await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = link, Exact = true })).ToHaveCountAsync(0);
            }

            foreach (var path in new[] { "integrations", "tools", "users", "api-keys", "plans", "understanding" })
            {
                await session.Page.GotoAsync($"/app/admin/{path}");
                await Assertions.Expect(session.Page.GetByTestId("admins-only")).ToBeVisibleAsync();
            }

            session.AssertNoPageErrors();
        }
    }

    [BrowserFact]
    public async Task The_plan_page_shows_usage_against_the_quotas_and_the_platform_admin_assigns_a_plan()
    {
        var tenantAdmin = await app.CreateTenantWithAdminAsync("Plans");
        var tenant = await Json.ReadAsync(await tenantAdmin.Client.GetAsync("/api/v1/tenants/current"), 200);
        await Json.ReadAsync(await tenantAdmin.Client.PostAsJsonAsync("/api/v1/chat/message", new { message = "Hello" }), 200);
        var dashboard = await Json.ReadAsync(await tenantAdmin.Client.GetAsync("/api/v1/auth/dashboard"), 200);
        var used = dashboard.GetProperty("usage").GetProperty("messages_this_month").GetInt64();
        Assert.True(used >= 1);

        await using (var session = await browser.OpenAsync(app.BaseAddress))
        {
            var page = session.Page;
            await SignInAsStaffAsync(page, tenantAdmin, "/app/admin/plans");
            var messages = page.GetByTestId("quota-messages");
            await Assertions.Expect(page.GetByTestId("current-plan")).ToHaveTextAsync(tenant.GetProperty("subscription_plan").GetString()!);
            await Assertions.Expect(messages.GetByTestId("quota-used")).ToHaveTextAsync(used.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            await Assertions.Expect(messages.Locator("meter")).ToHaveCountAsync(1);
            await Assertions.Expect(page.GetByTestId("tenants")).ToHaveCountAsync(0);
            await AssertAccessibleAsync(session);
            await ScreenshotAsync(page, "plans");
            session.AssertNoPageErrors();
        }

        await using (var session = await browser.OpenAsync(app.BaseAddress))
        {
            var page = session.Page;
            await SignInAsStaffAsync(page, app.Admin, "/app/admin/plans");
            var name = tenant.GetProperty("name").GetString()!;
            var target = tenant.GetProperty("subscription_plan").GetString() == "pro" ? "enterprise" : "pro";
            await page.GetByLabel($"Plan of {name}", Exact).SelectOptionAsync(target);
            await page.GetByRole(AriaRole.Button, new() { Name = $"Set plan for {name}" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Set plan for {name}" })).ToBeDisabledAsync();
            var after = await Json.ReadAsync(await tenantAdmin.Client.GetAsync("/api/v1/tenants/current"), 200);
            Assert.Equal(target, after.GetProperty("subscription_plan").GetString());
            await AssertAccessibleAsync(session);
            session.AssertNoPageErrors();
        }
    }

    /// <summary>A customer's turn, and the customer's message as Parley stored it (after redaction).</summary>
    private static async Task<string> StoredTurnAsync(TestUser customer, string message)
    {
        var turn = await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/message", new { message }), 200);
        var messages = await Json.ReadAsync(await customer.Client.GetAsync($"/api/v1/conversations/{turn.GetProperty("session_id").GetString()}/messages?size=10"), 200);
        return messages.GetProperty("items").EnumerateArray().First(m => m.GetProperty("message_type").GetString() == "user").GetProperty("content").GetString()!;
    }
}
