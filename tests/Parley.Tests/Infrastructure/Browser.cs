using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Parley.Tests.Infrastructure;

/// <summary>
/// Where the browser for browser tests is: Debian's <c>chromium</c> (test.sh installs it with apt as
/// root), or <c>PARLEY_CHROMIUM</c>. Playwright never downloads a browser here. Without one, tests
/// marked <see cref="BrowserFactAttribute"/> are reported as not run, by name and with the reason;
/// <c>PARLEY_REQUIRE_BROWSER=1</c> (set by .ci/run) turns a missing browser into failures.
/// </summary>
public static class BrowserSupport
{
    public const string RequireVariable = "PARLEY_REQUIRE_BROWSER";

    public static string? ExecutablePath { get; } = Locate();

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) is "1" or "true";

    /// <summary>Null when browser tests can run (chromium found) or must run (required).</summary>
    public static string? NotRunReason => ExecutablePath is not null || Required
        ? null
        : "chromium not found (PARLEY_CHROMIUM, /usr/bin/chromium); install it with apt-get install chromium";

    private static string? Locate()
    {
        if (Environment.GetEnvironmentVariable("PARLEY_CHROMIUM") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        return new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
    }
}

/// <summary>A fact that needs a browser: not run, with the reason, when chromium is absent and not required.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute() => Skip = BrowserSupport.NotRunReason;
}

/// <summary>A theory that needs a browser: not run, with the reason, when chromium is absent and not required.</summary>
public sealed class BrowserTheoryAttribute : TheoryAttribute
{
    public BrowserTheoryAttribute() => Skip = BrowserSupport.NotRunReason;
}

/// <summary>
/// One headless Debian chromium driven by Playwright for .NET, shared by the tests of a class
/// (<c>IClassFixture&lt;Browser&gt;</c>); each test opens its own <see cref="BrowserSession"/> (a fresh
/// context: no cookies or storage shared between tests) against a real Parley on a real port.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    // The flags PACKAGES.md gives for Debian's chromium in a container: no sandbox (no user
    // namespaces here), no GPU, and nothing that reaches the network on its own.
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Instance => _browser ?? throw new InvalidOperationException(
        BrowserSupport.NotRunReason ?? "The browser did not start; see InitializeAsync's exception.");

    public async Task InitializeAsync()
    {
        if (BrowserSupport.ExecutablePath is not { } executable)
        {
            if (BrowserSupport.Required)
            {
                throw new InvalidOperationException(
                    $"{BrowserSupport.RequireVariable} is set but chromium was not found: apt-get install chromium, or set PARLEY_CHROMIUM.");
            }

            return; // every test of the class is reported as not run
        }

        // The machine running the tests is shared and busy: wait for conditions generously rather
        // than fail on a slow render (no test asserts how long anything took).
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>A fresh browser context with one page whose relative URLs resolve against <paramref name="baseAddress"/>.</summary>
    public async Task<BrowserSession> OpenAsync(Uri baseAddress, BrowserNewContextOptions? options = null)
    {
        options ??= new BrowserNewContextOptions();
        options.BaseURL ??= baseAddress.ToString();
        options.ViewportSize ??= new ViewportSize { Width = 1280, Height = 800 };
        var context = await Instance.NewContextAsync(options);
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        return new BrowserSession(context, page);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>
/// A browser context and its first page, recording what a test usually wants to assert on afterwards:
/// script errors on the page, console errors, and every URL the page asked for.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly List<string> _pageErrors = [];
    private readonly List<string> _consoleErrors = [];
    private readonly List<string> _requests = [];
    private readonly List<string> _responses = [];

    public BrowserSession(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        Watch(page);
        context.Page += (_, opened) => Watch(opened);
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Uncaught exceptions thrown by the page's scripts.</summary>
    public IReadOnlyList<string> PageErrors { get { lock (_pageErrors) { return [.. _pageErrors]; } } }

    /// <summary>Messages the page logged at error level (CSP refusals among them).</summary>
    public IReadOnlyList<string> ConsoleErrors { get { lock (_consoleErrors) { return [.. _consoleErrors]; } } }

    /// <summary>Every URL requested by any page of the context, in order (requests the page's CSP blocked included).</summary>
    public IReadOnlyList<string> Requests { get { lock (_requests) { return [.. _requests]; } } }

    /// <summary>Every URL a response was received from, in order (a blocked or failed request has none).</summary>
    public IReadOnlyList<string> Responses { get { lock (_responses) { return [.. _responses]; } } }

    /// <summary>
    /// An axe-core scan (Deque.AxeCore.Playwright, which carries axe-core itself) of the page, or of the
    /// elements matching <paramref name="selector"/>; open shadow roots are scanned too.
    /// </summary>
    public async Task<AxeResult> AxeAsync(string? selector = null)
    {
        return selector is null
            ? await Page.RunAxe()
            : await Page.Locator(selector).RunAxe();
    }

    /// <summary>Fails with each violation's rule, help text and first targets when any is serious or critical.</summary>
    public static void AssertNoSeriousViolations(AxeResult result)
    {
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious.Select(v =>
            $"{v.Impact} {v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target?.ToString()))}")));
    }

    /// <summary>Fails with the messages when the page threw any uncaught script error.</summary>
    public void AssertNoPageErrors() => Assert.True(PageErrors.Count == 0, "Page script errors:\n" + string.Join("\n", PageErrors));

    public async ValueTask DisposeAsync() => await Context.CloseAsync();

    private void Watch(IPage page)
    {
        page.PageError += (_, error) => { lock (_pageErrors) { _pageErrors.Add(error); } };
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (_consoleErrors) { _consoleErrors.Add(message.Text); }
            }
        };
        page.Request += (_, request) => { lock (_requests) { _requests.Add(request.Url); } };
        page.Response += (_, response) => { lock (_responses) { _responses.Add(response.Url); } };
    }
}
