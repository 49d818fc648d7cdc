using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

// dotnet ConsoleBench.dll BASE_URL ADMIN_EMAIL PASSWORD [CONVERSATIONS] [LOADS]
// Seeds CONVERSATIONS conversations through the API, then measures in a headless chromium:
//  - load to interactive: a fresh browser context opens /app/ until the sign-in form can be typed in (LOADS times);
//  - inbox open: a signed-in agent opens the inbox (full page load, and switching views in the page)
//    until the first row of the list is shown.
var baseUrl = new Uri(args[0]);
var (email, password) = (args[1], args[2]);
var conversations = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 10_000;
var loads = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 20;

using var http = new HttpClient { BaseAddress = baseUrl };
var login = await (await http.PostAsJsonAsync("/api/v1/auth/login", new { email, password })).Content.ReadFromJsonAsync<JsonElement>();
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("access_token").GetString());

var seed = Stopwatch.StartNew();
var next = 0;
await Parallel.ForEachAsync(Enumerable.Range(0, 8), async (_, ct) =>
{
    int n;
    while ((n = Interlocked.Increment(ref next)) <= conversations)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/conversations", new { title = $"Seeded conversation {n}" }, ct);
        response.EnsureSuccessStatusCode();
        if (n % 50 == 0)
        {
            // Some wait for a person, so the waiting view has rows too.
            using var escalated = await http.PostAsJsonAsync($"/api/v1/conversations/{(await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString()}/escalate", new { reason = "bench" }, ct);
            escalated.EnsureSuccessStatusCode();
        }
    }
});
Console.WriteLine($"seeded {conversations} conversations ({conversations / 50} escalated) in {seed.Elapsed.TotalSeconds:0.0} s");

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new()
{
    ExecutablePath = Environment.GetEnvironmentVariable("PARLEY_CHROMIUM") ?? "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});

async Task<double> TimeAsync(Func<Task> act)
{
    var watch = Stopwatch.StartNew();
    await act();
    return watch.Elapsed.TotalMilliseconds;
}

// Load to interactive, cold: every load in a new context (empty cache), as a first visit.
// The first one also counts what crossed the wire: bytes as sent (compressed) and each response's encoding.
var cold = new List<double>();
var coldPhases = new List<Phases>();
var transferred = new List<(string Url, long Body, long Headers, string Encoding)>();
for (var i = 0; i < loads; i++)
{
    await using var context = await browser.NewContextAsync(new() { BaseURL = baseUrl.ToString() });
    var page = await context.NewPageAsync();
    if (i == 0)
    {
        page.RequestFinished += async (_, request) =>
        {
            var sizes = await request.SizesAsync();
            var response = await request.ResponseAsync();
            var encoding = response is null ? "" : (await response.HeaderValueAsync("content-encoding")) ?? "identity";
            lock (transferred)
            {
                transferred.Add((request.Url, sizes.ResponseBodySize, sizes.ResponseHeadersSize, encoding));
            }
        };
    }

    cold.Add(await TimeAsync(async () =>
    {
        await page.GotoAsync("/app/");
        await page.GetByLabel("Email or username").FillAsync(email, new() { Timeout = 180_000 });
    }));
    coldPhases.Add(await PhasesAsync(page));
}

// Load to interactive, warm: one context, the browser's cache filled by the first load (a returning agent).
var warm = new List<double>();
var warmPhases = new List<Phases>();
await using (var context = await browser.NewContextAsync(new() { BaseURL = baseUrl.ToString() }))
{
    var page = await context.NewPageAsync();
    await page.GotoAsync("/app/");
    await page.GetByLabel("Email or username").WaitForAsync(new() { Timeout = 180_000 });
    for (var i = 0; i < loads; i++)
    {
        warm.Add(await TimeAsync(async () =>
        {
            await page.GotoAsync("/app/");
            await page.GetByLabel("Email or username").FillAsync(email, new() { Timeout = 180_000 });
        }));
        warmPhases.Add(await PhasesAsync(page));
    }
}

// Inbox open with the seeded conversations, signed in (tokens in the tab's sessionStorage).
var inboxLoad = new List<double>();
var inboxPhases = new List<Phases>();
var inboxSwitch = new List<double>();
var inboxChannel = new List<double>();
var inboxIntent = new List<double>();
var badgeLatency = new List<double>();
var inboxTimeline = "";
await using (var context = await browser.NewContextAsync(new() { BaseURL = baseUrl.ToString() }))
{
    var page = await context.NewPageAsync();
    await page.GotoAsync("/app/");
    await page.GetByLabel("Email or username").FillAsync(email, new() { Timeout = 180_000 });
    await page.GetByLabel("Password").FillAsync(password);
    await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).WaitForAsync(new() { Timeout = 180_000 });
    for (var i = 0; i < loads; i++)
    {
        inboxLoad.Add(await TimeAsync(async () =>
        {
            await page.GotoAsync("/app/inbox?view=open");
            await page.Locator("[data-testid=inbox-row]").First.WaitForAsync(new() { Timeout = 180_000 });
        }));
        inboxPhases.Add(await PhasesAsync(page));
    }

    inboxTimeline = await ApiTimelineAsync(page);

    // The inbox's server-side filters over the same conversations: channel (every row matches) and an
    // intent no conversation has (the worst case: the EXISTS runs for every conversation of the tenant).
    for (var i = 0; i < loads; i++)
    {
        inboxChannel.Add(await TimeAsync(async () =>
        {
            await page.GotoAsync("/app/inbox?view=open&channel=web");
            await page.Locator("[data-testid=inbox-row]").First.WaitForAsync(new() { Timeout = 180_000 });
        }));
        inboxIntent.Add(await TimeAsync(async () =>
        {
            await page.GotoAsync("/app/inbox?view=open&intent=no_such_intent");
            await page.GetByTestId("inbox-empty").WaitForAsync(new() { Timeout = 180_000 });
        }));
    }

    // Back to the unfiltered inbox: the view links keep the address's filters.
    await page.GotoAsync("/app/inbox?view=open");
    await page.Locator("[data-testid=inbox-row]").First.WaitForAsync(new() { Timeout = 180_000 });
    for (var i = 0; i < loads; i++)
    {
        var view = i % 2 == 0 ? "waiting" : "open";
        var marker = view == "waiting" ? "bench" : "";
        inboxSwitch.Add(await TimeAsync(async () =>
        {
            await page.GetByTestId("view-" + view).ClickAsync();
            await page.WaitForURLAsync($"**/inbox?view={view}");
            await page.Locator("[data-testid=inbox-row]").Filter(new() { HasText = marker }).First.WaitForAsync(new() { Timeout = 180_000 });
        }));
    }

    // A new escalation reaching an open inbox: from the escalate call until the badge shows the new count.
    for (var i = 0; i < Math.Min(loads, 10); i++)
    {
        using var created = await http.PostAsJsonAsync("/api/v1/conversations", new { title = $"Badge probe {i}" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var badge = page.GetByTestId("waiting-badge");
        var before = await badge.CountAsync() == 0 ? 0 : int.Parse(await badge.InnerTextAsync(), CultureInfo.InvariantCulture);
        badgeLatency.Add(await TimeAsync(async () =>
        {
            using var escalated = await http.PostAsJsonAsync($"/api/v1/conversations/{id}/escalate", new { reason = "bench" });
            escalated.EnsureSuccessStatusCode();
            await page.WaitForFunctionAsync(
                "n => document.querySelector('[data-testid=waiting-badge]')?.textContent === String(n)", before + 1, new() { Timeout = 180_000 });
        }));
    }
}

// Where a load's time went, from the page's own timeline (ms since the navigation started): the page
// itself, the last of the console's files (_framework, css, js), the first API call (.NET has started and
// rendered), and the last API response before the page was shown.
static async Task<Phases> PhasesAsync(IPage page)
{
    var t = await page.EvaluateAsync<double[]>(@"() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const res = performance.getEntriesByType('resource');
        const files = res.filter(e => !e.name.includes('/api/'));
        const api = res.filter(e => e.name.includes('/api/'));
        return [nav ? nav.responseEnd : 0,
                files.length ? Math.max(...files.map(e => e.responseEnd)) : 0,
                api.length ? Math.min(...api.map(e => e.startTime)) : 0,
                api.length ? Math.max(...api.map(e => e.responseEnd)) : 0,
                performance.now()];
    }");
    return new Phases(t[0], t[1], t[2], t[3], t[4]);
}

// The API calls of one page load, in the order they started (ms since the navigation started): which
// of them wait for another, and how long each took.
static async Task<string> ApiTimelineAsync(IPage page)
{
    var rows = await page.EvaluateAsync<string[]>(@"() => performance.getEntriesByType('resource')
        .filter(e => e.name.includes('/api/'))
        .sort((a, b) => a.startTime - b.startTime)
        .map(e => new URL(e.name).pathname.replace('/api/v1', '') + '\t' + Math.round(e.startTime) + '\t' + Math.round(e.responseEnd))");
    return string.Join('\n', rows.Select(r => r.Split('\t')).Select(r =>
        string.Create(CultureInfo.InvariantCulture, $"      {r[1],5} -> {r[2],5} ms  {r[0]}")));
}

static string PhaseLines(List<Phases> phases)
{
    static double P50(IEnumerable<double> v) => v.Order().ElementAt((v.Count() - 1) / 2);
    var withApi = phases.Where(p => p.FirstApi > 0).ToList();
    var text = string.Create(CultureInfo.InvariantCulture,
        $"    in the page (p50, ms since navigation): page {P50(phases.Select(p => p.Page)),5:0}, last console file {P50(phases.Select(p => p.Files)),5:0}, shown {P50(phases.Select(p => p.Shown)),5:0}");
    if (withApi.Count > 0)
    {
        text += string.Create(CultureInfo.InvariantCulture,
            $"; first API call {P50(withApi.Select(p => p.FirstApi)),5:0}, last API response {P50(withApi.Select(p => p.LastApi)),5:0}");
    }

    return text;
}

static string Line(string name, List<double> ms)
{
    var sorted = ms.Order().ToList();
    double P(double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
    return string.Create(CultureInfo.InvariantCulture, $"{name,-44} n={sorted.Count,3}  p50={P(0.5),7:0} ms  p90={P(0.9),7:0} ms  min={sorted[0],7:0} ms  max={sorted[^1],7:0} ms");
}

Console.WriteLine(Line("console load to interactive, cold cache", cold));
Console.WriteLine(PhaseLines(coldPhases));
Console.WriteLine(Line("console load to interactive, warm cache", warm));
Console.WriteLine(PhaseLines(warmPhases));
Console.WriteLine(Line($"inbox open (page load), {conversations} convs", inboxLoad));
Console.WriteLine(PhaseLines(inboxPhases));
Console.WriteLine("    the last inbox load's API calls (start -> end, ms since navigation):");
Console.WriteLine(inboxTimeline);
Console.WriteLine(Line($"inbox view switch (in page), {conversations} convs", inboxSwitch));
Console.WriteLine(Line($"inbox open, channel filter, {conversations} convs", inboxChannel));
Console.WriteLine(Line($"inbox open, intent filter (no match), {conversations} convs", inboxIntent));
Console.WriteLine(Line("escalation to badge (API call to badge shown)", badgeLatency));

lock (transferred)
{
    var body = transferred.Sum(t => t.Body);
    var headers = transferred.Sum(t => t.Headers);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"first cold load transferred: {transferred.Count} responses, {body / 1024.0 / 1024.0:0.00} MiB bodies + {headers / 1024.0:0} KiB headers"));
    foreach (var group in transferred.GroupBy(t => t.Encoding).OrderByDescending(g => g.Sum(t => t.Body)))
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  content-encoding {group.Key,-9} {group.Count(),4} responses  {group.Sum(t => t.Body) / 1024.0:0} KiB"));
    }
}

internal sealed record Phases(double Page, double Files, double FirstApi, double LastApi, double Shown);
