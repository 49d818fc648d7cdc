using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Parley.Server.Knowledge;

namespace Parley.Server.Evaluation;

/// <summary>
/// <c>eval answers --data &lt;dir&gt;</c>: what a customer gets, end to end. Starts this server as its
/// own process on a scratch SQLite database and a free loopback port, loads the DSTC10 FAQ knowledge
/// base through the knowledge API (one FAQ source per hotel, restaurant or attraction, its domain as
/// category), and chats through <c>POST /api/v1/chat/process</c> as a registered customer. Each DSTC10
/// dialogue is replayed: its earlier user turns go into one conversation, then the last turn is asked.
/// The 104 knowledge-seeking last turns are scored on their citations (first correct, any correct,
/// answered wrong, abstained); the 159 others and CLINC150's <c>oos_test</c> questions (each in a new
/// conversation) count how often an answer is given from the knowledge base when none fits.
/// <paramref name="dataPath"/> is the shared data directory (retrieval/dstc10_faq, intents/clinc150) or
/// the DSTC10 directory itself, with CLINC150 found beside it in the shared layout.
/// </summary>
public static class AnswersEvaluation
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task RunAsync(string dataPath, TextWriter output, CancellationToken ct)
    {
        var dstc = new[] { dataPath, Path.Combine(dataPath, "retrieval", "dstc10_faq"), Path.Combine(dataPath, "dstc10_faq") }
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "knowledge.json")) && File.Exists(Path.Combine(d, "val", "logs.json")))
            ?? throw new FileNotFoundException($"No DSTC10 FAQ data (knowledge.json, val/logs.json, val/labels.json) under {dataPath}.");
        var clinc = new[] { Path.Combine(dataPath, "intents", "clinc150", "data_full.json"), Path.Combine(dstc, "..", "..", "intents", "clinc150", "data_full.json") }
            .Select(Path.GetFullPath).FirstOrDefault(File.Exists);

        var temp = Directory.CreateTempSubdirectory("parley-eval-answers-");
        using var server = StartServer(temp.FullName, out var baseAddress);
        try
        {
            using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
            await WaitHealthyAsync(http, server, ct);
            var admin = await RegisterAsync(http, "admin", ct);
            var started = Stopwatch.GetTimestamp();
            var keys = await LoadKnowledgeAsync(http, admin, dstc, ct);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"knowledge: {keys.Documents} FAQs in {keys.Sources} sources, indexed through the API in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s"));
            var customer = await RegisterAsync(http, "customer", ct);

            using var logs = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dstc, "val", "logs.json"), ct));
            using var labels = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dstc, "val", "labels.json"), ct));
            var seeking = new Tally();
            var other = new Tally();
            var examples = new List<string>();
            var turns = 0;
            started = Stopwatch.GetTimestamp();
            foreach (var (log, label) in logs.RootElement.EnumerateArray().Zip(labels.RootElement.EnumerateArray()))
            {
                var user = log.EnumerateArray().Where(t => t.GetProperty("speaker").GetString() == "U").Select(t => t.GetProperty("text").GetString() ?? "").ToList();
                string? session = null;
                Turn? last = null;
                foreach (var text in user)
                {
                    last = await ChatAsync(http, customer, session, text, ct);
                    session = last.SessionId;
                    turns++;
                }

                if (last is null)
                {
                    continue;
                }

                if (label.GetProperty("target").GetBoolean())
                {
                    var gold = label.GetProperty("knowledge")[0];
                    var goldKey = $"{gold.GetProperty("domain").GetString()}__{gold.GetProperty("entity_id")}__{gold.GetProperty("doc_id")}";
                    var cited = last.Citations.Select(c => keys.Find(c.SourceId, c.Title)).ToList();
                    seeking.Add(last, cited.Count > 0 && cited[0].Contains(goldKey), cited.Any(c => c.Contains(goldKey)));
                    if (last.Citations.Count > 0 && examples.Count < 10)
                    {
                        examples.Add($"  Q: {user[^1]}\n  A: {last.Response}\n  cites: {last.Citations[0].Source} / {last.Citations[0].Title}");
                    }
                }
                else
                {
                    other.Add(last, false, false);
                }
            }

            var dialogueSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dialogues: {logs.RootElement.GetArrayLength()} replayed, {turns} chat turns in {dialogueSeconds:F1} s ({dialogueSeconds * 1000 / Math.Max(1, turns):F1} ms per turn)"));
            output.WriteLine($"knowledge-seeking last turns: {seeking.Count}");
            output.WriteLine($"correct_first_citation: {Share(seeking.FirstCorrect, seeking.Count)}");
            output.WriteLine($"correct_any_citation: {Share(seeking.AnyCorrect, seeking.Count)}");
            output.WriteLine($"answered_wrong: {Share(seeking.Answered - seeking.FirstCorrect, seeking.Count)}");
            output.WriteLine($"abstained: {Share(seeking.Count - seeking.Answered, seeking.Count)}");
            output.WriteLine($"escalated: {Share(seeking.Escalated, seeking.Count)}");
            output.WriteLine($"other last turns (no FAQ needed): {other.Count}");
            output.WriteLine($"other_answered_from_knowledge: {Share(other.Answered, other.Count)}");
            output.WriteLine($"other_escalated: {Share(other.Escalated, other.Count)}");

            Tally? oosTally = null;
            if (clinc is null)
            {
                output.WriteLine("out_of_scope: not run (no intents/clinc150/data_full.json beside the DSTC10 data)");
            }
            else
            {
                using var clincData = JsonDocument.Parse(await File.ReadAllTextAsync(clinc, ct));
                var oos = oosTally = new Tally();
                foreach (var item in clincData.RootElement.GetProperty("oos_test").EnumerateArray())
                {
                    oos.Add(await ChatAsync(http, customer, null, item[0].GetString() ?? "", ct), false, false);
                }

                output.WriteLine($"out-of-scope questions (CLINC150 oos_test): {oos.Count}");
                output.WriteLine($"oos_answered_from_knowledge: {Share(oos.Answered, oos.Count)}");
                output.WriteLine($"oos_escalated: {Share(oos.Escalated, oos.Count)}");
            }

            output.WriteLine("if answers below a confidence abstained: threshold, correct_first, answered_wrong, other_answered, oos_answered");
            for (var t = 0.30; t < 0.951; t += 0.05)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {t:F2}  {seeking.AnsweredAbove(t, true)}/{seeking.Count}  {seeking.AnsweredAbove(t) - seeking.AnsweredAbove(t, true)}/{seeking.Count}  {other.AnsweredAbove(t)}/{other.Count}  {oosTally?.AnsweredAbove(t)}/{oosTally?.Count}"));
            }

            output.WriteLine("examples (first 10 answered knowledge-seeking turns):");
            foreach (var example in examples)
            {
                output.WriteLine(example);
            }
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync(CancellationToken.None);
            }

            try
            {
                temp.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS temp cleaner.
            }
        }
    }

    private static string Share(int count, int total)
        => string.Create(CultureInfo.InvariantCulture, $"{(total == 0 ? 0 : (double)count / total):F4} ({count}/{total})");

    /// <summary>This server's own executable, in its own process, on loopback only, with a scratch data directory.</summary>
    private static Process StartServer(string dataDir, out Uri baseAddress)
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            baseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}");
        }

        var host = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(host) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(AnswersEvaluation).Assembly.Location);
        }

        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseAddress.ToString());
        start.Environment["PARLEY_DATA_DIR"] = dataDir;
        start.Environment["Parley__DataDir"] = dataDir;
        start.Environment["Parley__Database__Postgres"] = "";
        start.Environment["Parley__Redis__Configuration"] = "";
        start.Environment["Parley__RateLimiting__Enabled"] = "false";
        start.Environment["Parley__Auth__PasswordIterations"] = "1000";
        start.Environment["Parley__Http__AccessLog"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the server.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 })
            {
                Console.Error.WriteLine("server: " + e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitHealthyAsync(HttpClient http, Process server, CancellationToken ct)
    {
        for (var i = 0; i < 600; i++)
        {
            if (server.HasExited)
            {
                throw new InvalidDataException($"The server exited with code {server.ExitCode} before it was healthy.");
            }

            try
            {
                using var response = await http.GetAsync("/health", ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, ct);
        }

        throw new InvalidDataException("The server did not become healthy within a minute.");
    }

    private static async Task<string> RegisterAsync(HttpClient http, string name, CancellationToken ct)
    {
        var body = await SendAsync(http, HttpMethod.Post, "/api/v1/auth/register", null,
            new { email = $"{name}@example.com", username = name, password = "eval-" + Guid.NewGuid().ToString("N"), full_name = name }, ct);
        return body.GetProperty("access_token").GetString()!;
    }

    private static async Task<JsonElement> SendAsync(HttpClient http, HttpMethod method, string path, string? token, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidDataException($"{method} {path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<FaqKeys> LoadKnowledgeAsync(HttpClient http, string admin, string root, CancellationToken ct)
    {
        using var knowledge = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(root, "knowledge.json"), ct));
        var keys = new FaqKeys();
        var pending = new List<string>();
        foreach (var domain in knowledge.RootElement.EnumerateObject())
        {
            foreach (var entity in domain.Value.EnumerateObject())
            {
                var name = entity.Value.GetProperty("name").ValueKind == JsonValueKind.String ? entity.Value.GetProperty("name").GetString()! : domain.Name;
                var docs = entity.Value.GetProperty("docs").EnumerateObject().Select(d => (Key: $"{domain.Name}__{entity.Name}__{d.Name}",
                    Question: d.Value.GetProperty("title").GetString() ?? "", Answer: d.Value.GetProperty("body").GetString() ?? "")).ToList();
                var accepted = await SendAsync(http, HttpMethod.Post, "/api/v1/knowledge/sources", admin, new
                {
                    name,
                    type = "faq",
                    category = domain.Name,
                    faqs = docs.Select(d => new { question = d.Question, answer = d.Answer }),
                }, ct);
                var sourceId = accepted.GetProperty("source").GetProperty("id").GetString()!;
                foreach (var doc in docs)
                {
                    keys.Add(sourceId, doc.Question, doc.Key);
                }

                pending.Add(accepted.GetProperty("status_url").GetString()!);
                keys.Sources++;
                keys.Documents += docs.Count;
            }
        }

        foreach (var status in pending)
        {
            for (var i = 0; ; i++)
            {
                var state = (await SendAsync(http, HttpMethod.Get, status, admin, null, ct)).GetProperty("status").GetString();
                if (state == "ready")
                {
                    break;
                }

                if (state == "failed" || i > 6000)
                {
                    throw new InvalidDataException($"Indexing {status} ended {state}.");
                }

                await Task.Delay(100, ct);
            }
        }

        return keys;
    }

    private static async Task<Turn> ChatAsync(HttpClient http, string token, string? session, string message, CancellationToken ct)
    {
        var body = await SendAsync(http, HttpMethod.Post, "/api/v1/chat/process", token, new Dictionary<string, object?>
        {
            ["message"] = string.IsNullOrWhiteSpace(message) ? "hello" : message,
            ["session_id"] = session,
        }, ct);
        var citations = body.TryGetProperty("citations", out var c) && c.ValueKind == JsonValueKind.Array
            ? c.EnumerateArray().Select(x => new Cited(x.GetProperty("source_id").GetString()!, x.GetProperty("source").GetString() ?? "", x.GetProperty("title").GetString() ?? "")).ToList()
            : [];
        return new Turn(body.GetProperty("session_id").GetString()!, body.GetProperty("response").GetString() ?? "", citations,
            body.TryGetProperty("escalation_needed", out var e) && e.ValueKind == JsonValueKind.True,
            body.TryGetProperty("confidence", out var confidence) && confidence.ValueKind == JsonValueKind.Number ? confidence.GetDouble() : 0);
    }

    private sealed record Cited(string SourceId, string Source, string Title);

    private sealed record Turn(string SessionId, string Response, IReadOnlyList<Cited> Citations, bool Escalated, double Confidence);

    private sealed class Tally
    {
        public int Count { get; private set; }
        public int Answered { get; private set; }
        public int FirstCorrect { get; private set; }
        public int AnyCorrect { get; private set; }
        public int Escalated { get; private set; }

        /// <summary>Answered turns' confidence and whether the first citation was right, for the threshold table.</summary>
        public List<(double Confidence, bool Correct)> Answers { get; } = [];

        public int AnsweredAbove(double threshold, bool correctOnly = false) => Answers.Count(a => a.Confidence >= threshold && (!correctOnly || a.Correct));

        public void Add(Turn turn, bool first, bool any)
        {
            if (turn.Citations.Count > 0)
            {
                Answers.Add((turn.Confidence, first));
            }

            Count++;
            Answered += turn.Citations.Count > 0 ? 1 : 0;
            FirstCorrect += first ? 1 : 0;
            AnyCorrect += any ? 1 : 0;
            Escalated += turn.Escalated ? 1 : 0;
        }
    }

    /// <summary>FAQ keys by source and question (as words: the chunk title is the question, cleaned).</summary>
    private sealed class FaqKeys
    {
        private readonly Dictionary<(string, string), HashSet<string>> _keys = [];

        public int Sources { get; set; }
        public int Documents { get; set; }

        public void Add(string sourceId, string question, string key)
        {
            var k = (sourceId.ToLowerInvariant(), string.Join(' ', TextAnalysis.Words(question)));
            (_keys.TryGetValue(k, out var set) ? set : _keys[k] = []).Add(key);
        }

        public HashSet<string> Find(string sourceId, string title)
            => _keys.GetValueOrDefault((sourceId.ToLowerInvariant(), string.Join(' ', TextAnalysis.Words(title)))) ?? [];
    }
}
