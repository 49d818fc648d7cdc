using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

// Usage: StreamingBench --fake-port P --parley http://127.0.0.1:Q --token T [--samples 200] [--tokens 20000]
//   [--warmup-seconds 15] [--warmup-max-seconds 120] [--settled-methods 100]
// Starts a fake OpenAI-compatible server on 127.0.0.1:P (Parley must be configured with
// Parley__Llm__BaseUrl=http://127.0.0.1:P/v1), then measures, alternating direct and through-Parley requests:
//   time to first token (TTFT) directly from the fake and through POST /api/v1/chat/stream; Parley's
//   added TTFT is the difference of the medians; and tokens/s through one long stream.
var options = Args(args);
var fakePort = int.Parse(options["--fake-port"], CultureInfo.InvariantCulture);
var parley = new Uri(options["--parley"]);
var token = options["--token"];
var samples = int.Parse(options.GetValueOrDefault("--samples", "200"), CultureInfo.InvariantCulture);
var warmUpSeconds = double.Parse(options.GetValueOrDefault("--warmup-seconds", "10"), CultureInfo.InvariantCulture);
var longTokens = int.Parse(options.GetValueOrDefault("--tokens", "20000"), CultureInfo.InvariantCulture);
var warmUpMaxSeconds = double.Parse(options.GetValueOrDefault("--warmup-max-seconds", "120"), CultureInfo.InvariantCulture);
var settledMethods = double.Parse(options.GetValueOrDefault("--settled-methods", "100"), CultureInfo.InvariantCulture);
const string LongMarker = "long-stream-please";

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{fakePort}");
var fake = builder.Build();
fake.MapPost("/v1/chat/completions", async (HttpContext http) =>
{
    using var reader = new StreamReader(http.Request.Body);
    var body = await reader.ReadToEndAsync(http.RequestAborted);
    var count = body.Contains(LongMarker, StringComparison.Ordinal) ? longTokens : 20;
    http.Response.ContentType = "text/event-stream";
    for (var i = 0; i < count; i++)
    {
        var chunk = new { id = "chatcmpl-bench", @object = "chat.completion.chunk", created = 1_700_000_000, model = "bench", choices = new[] { new { index = 0, delta = new { content = i == 0 ? "Hello" : " tok" }, finish_reason = (string?)null } } };
        await http.Response.WriteAsync("data: " + JsonSerializer.Serialize(chunk) + "\n\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }

    var done = new { id = "chatcmpl-bench", @object = "chat.completion.chunk", created = 1_700_000_000, model = "bench", choices = new[] { new { index = 0, delta = new { content = "" }, finish_reason = "stop" } } };
    await http.Response.WriteAsync("data: " + JsonSerializer.Serialize(done) + "\n\ndata: [DONE]\n\n", http.RequestAborted);
});
await fake.StartAsync();

using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { Timeout = TimeSpan.FromMinutes(5) };
var fakeUri = new Uri($"http://127.0.0.1:{fakePort}/v1/chat/completions");

// One conversation for every turn, so no per-request session creation is measured.
var session = await PostJsonAsync(new Uri(parley, "/api/v1/conversations"), "{}");
var sessionId = JsonDocument.Parse(session).RootElement.GetProperty("conversation_id").GetString()!;

async Task<(double FirstMs, double TotalMs, int Tokens)> DirectAsync(bool isLong)
{
    var body = JsonSerializer.Serialize(new { model = "bench", stream = true, messages = new[] { new { role = "user", content = isLong ? LongMarker : "what are your opening hours" } } });
    return await ReadSseAsync(new HttpRequestMessage(HttpMethod.Post, fakeUri) { Content = new StringContent(body, Encoding.UTF8, "application/json") }, line => line.StartsWith("data: {", StringComparison.Ordinal) && line.Contains("\"content\":\"", StringComparison.Ordinal) && !line.Contains("\"content\":\"\"", StringComparison.Ordinal));
}

async Task<(double FirstMs, double TotalMs, int Tokens)> ThroughParleyAsync(bool isLong)
{
    var body = JsonSerializer.Serialize(new { message = isLong ? LongMarker : $"what are your opening hours {Guid.NewGuid():N}", session_id = sessionId });
    var request = new HttpRequestMessage(HttpMethod.Post, new Uri(parley, "/api/v1/chat/stream")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    return await ReadSseAsync(request, line => line == "event: token");
}

async Task<(double, double, int)> ReadSseAsync(HttpRequestMessage request, Func<string, bool> isToken)
{
    var started = Stopwatch.GetTimestamp();
    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    response.EnsureSuccessStatusCode();
    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
    double first = -1;
    var tokens = 0;
    while (await reader.ReadLineAsync() is { } line)
    {
        if (isToken(line))
        {
            tokens++;
            if (first < 0)
            {
                first = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }
    }

    return (first, Stopwatch.GetElapsedTime(started).TotalMilliseconds, tokens);
}

async Task<string> PostJsonAsync(Uri uri, string json)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    using var response = await client.SendAsync(request);
    var text = await response.Content.ReadAsStringAsync();
    return response.IsSuccessStatusCode ? text : throw new InvalidOperationException($"{uri} -> {(int)response.StatusCode}: {text}");
}

// Warm-up: a fresh server runs its first seconds of a workload in unoptimised (tier-0, then
// instrumented) code while the tiered JIT recompiles the hot methods in the background; the figure
// wanted is a running server's. So: at least --warmup-seconds, then on until Parley's JIT has settled
// (fewer than --settled-methods methods compiled in the last 5 s, read from its /metrics), at most
// --warmup-max-seconds.
async Task<double> JitCompiledAsync()
{
    var text = await client.GetStringAsync(new Uri(parley, "/metrics"));
    var line = text.Split('\n').First(l => l.StartsWith("dotnet_jit_compiled_methods_total ", StringComparison.Ordinal));
    return double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
}

var warmUp = Stopwatch.StartNew();
var warmUpPairs = 0;
var jit = new List<(double Seconds, double Methods)> { (0, await JitCompiledAsync()) };
double RecentJit() => jit[^1].Methods - jit.Last(j => j.Seconds <= jit[^1].Seconds - 5).Methods;
while (warmUpPairs < 20 || warmUp.Elapsed.TotalSeconds < warmUpSeconds || (RecentJit() >= settledMethods && warmUp.Elapsed.TotalSeconds < warmUpMaxSeconds))
{
    await DirectAsync(false);
    await ThroughParleyAsync(false);
    warmUpPairs++;
    if (warmUp.Elapsed.TotalSeconds - jit[^1].Seconds >= 1)
    {
        jit.Add((warmUp.Elapsed.TotalSeconds, await JitCompiledAsync()));
    }
}

var direct = new List<double>();
var through = new List<double>();
for (var i = 0; i < samples; i++)
{
    direct.Add((await DirectAsync(false)).FirstMs);
    var (first, _, tokens) = await ThroughParleyAsync(false);
    if (tokens == 0)
    {
        throw new InvalidOperationException("Parley streamed no tokens: is Parley__Llm__BaseUrl set to the fake?");
    }

    through.Add(first);
}

var longDirect = await DirectAsync(true);
var longParley = await ThroughParleyAsync(true);
double P(List<double> values, double q)
{
    var sorted = values.Order().ToList();
    return sorted[(int)Math.Min(sorted.Count - 1, Math.Round(q * (sorted.Count - 1)))];
}

double Rate((double FirstMs, double TotalMs, int Tokens) r) => r.Tokens / ((r.TotalMs - r.FirstMs) / 1000.0);
var added50 = P(through, 0.5) - P(direct, 0.5);
var inv = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(inv, $"samples: {samples} turns (after {warmUpPairs} warm-up pairs in {warmUp.Elapsed.TotalSeconds:F0} s), sequential, SSE POST /api/v1/chat/stream vs the fake directly"));
Console.WriteLine(string.Create(inv, $"warm-up: Parley's JIT compiled {jit[^1].Methods - jit[0].Methods:F0} methods during it, {RecentJit():F0} in its last 5 s ({(RecentJit() < settledMethods ? "settled" : "NOT settled: the figures below include unoptimised code")})"));
Console.WriteLine(string.Create(inv, $"ttft_direct_ms: p50 {P(direct, 0.5):F2}  p90 {P(direct, 0.9):F2}  p99 {P(direct, 0.99):F2}"));
Console.WriteLine(string.Create(inv, $"ttft_parley_ms: p50 {P(through, 0.5):F2}  p90 {P(through, 0.9):F2}  p99 {P(through, 0.99):F2}"));
Console.WriteLine(string.Create(inv, $"ttft_added_by_parley_ms_p50: {added50:F2}  (target < 2: {(added50 < 2 ? "MET" : "NOT MET")})"));
Console.WriteLine(string.Create(inv, $"ttft_added_by_parley_ms_p90: {P(through, 0.9) - P(direct, 0.9):F2}"));
Console.WriteLine(string.Create(inv, $"long_stream_direct: {longDirect.Tokens} tokens, {Rate(longDirect):F0} tokens/s"));
Console.WriteLine(string.Create(inv, $"long_stream_parley: {longParley.Tokens} tokens, {Rate(longParley):F0} tokens/s  (target >= 5000: {(Rate(longParley) >= 5000 ? "MET" : "NOT MET")})"));
await fake.StopAsync();

static Dictionary<string, string> Args(string[] args)
{
    var map = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        map[args[i]] = args[i + 1];
    }

    return map;
}
