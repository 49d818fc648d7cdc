using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Parley.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Parley.Tests.Conformance;

/// <summary>
/// The raw client examples of the reference documents (Python <c>requests</c>, JavaScript
/// <c>fetch</c> and <c>WebSocket</c>, curl), read from ../shared/spec and run as written against a
/// real Parley: only <c>localhost:8000</c> and the placeholders the documents ask the reader to fill
/// in (<c>YOUR_JWT_TOKEN</c>, example ids) change. The accounts and ids they assume are prepared
/// here through the API. The Customer Care AI and HeliosCS documents have no raw client examples; the AI Assistant Platform's SDK snippets
/// import packages that do not exist (out of scope, issue 19). Each test gets a fresh server, since
/// the examples share one account (<c>user@example.com</c>) with different passwords.
/// </summary>
public sealed partial class SpecExamplesTests(ITestOutputHelper output)
{
    private const string Email = "user@example.com";
    private static readonly string ToolsFolder = Path.Combine(ExternalTools.RepositoryRoot, "tools", "spec-examples");

    private static async Task WithServerAsync(Func<Harness, Task> test)
    {
        var app = new SqliteApp();
        await app.InitializeAsync();
        try
        {
            await test(new Harness(app));
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [SpecExampleFact("python3")]
    public Task Document_000_python_client_runs() => WithServerAsync(async h =>
    {
        var example = SpecDocuments.Blocks("000").Single(b => b.Language == "python" && b.Code.Contains("import requests"));
        await h.EnsureAccountAsync(LoginPassword(example.Code));
        var result = await RunPythonAsync(h, example);
        Assert.True(result.ExitCode == 0, $"{example} failed:\n{result.Output}");
    });

    [SpecExampleFact("node")]
    public Task Document_000_javascript_examples_run_and_their_websockets_connect() => WithServerAsync(async h =>
    {
        var examples = SpecDocuments.Blocks("000").Where(b => b.Language == "javascript").ToList();
        Assert.Equal(2, examples.Count);
        foreach (var example in examples)
        {
            if (LoginPassword(example.Code) is { } password)
            {
                await h.EnsureAccountAsync(password);
            }

            var sockets = await RunJavaScriptAsync(h, example);
            Assert.NotEmpty(sockets);
            foreach (var socket in sockets)
            {
                // The examples send no token: Parley accepts the connection (also for a client-chosen
                // id such as session_123) and its first frame says how to authenticate.
                Assert.True(socket.GetProperty("opened").GetBoolean(), $"{example}: {socket} did not open");
                var first = JsonDocument.Parse(socket.GetProperty("messages")[0].GetString()!).RootElement;
                Assert.Equal("error", first.GetProperty("type").GetString());
            }
        }
    });

    [SpecExampleFact("curl", "bash", "jq")]
    public Task Document_001_curl_examples_answer_2xx() => WithServerAsync(async h =>
    {
        var commands = SpecDocuments.Blocks("001").Where(b => b.Language == "bash").SelectMany(SpecDocuments.CurlCommands).ToList();
        // 19 in the document: from registration to the CLI-continuity examples.
        Assert.True(commands.Count >= 19, $"only {commands.Count} curl commands found");
        string? token = null;
        foreach (var command in commands)
        {
            if (!command.Contains("/auth/register"))
            {
                await h.EnsureAccountAsync(PasswordInJson().Match(command) is { Success: true } m ? m.Groups[1].Value : null);
            }

            var script = await h.FillInAsync(command);
            var result = await ExternalTools.RunAsync("bash", ["-c", script + "\nprintf '@@TOKEN %s\\n' \"${TOKEN:-}\" >&2"], Path.GetTempPath(), TimeSpan.FromMinutes(2),
                new Dictionary<string, string>
                {
                    ["PATH"] = ToolsFolder + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
                    ["REAL_CURL"] = ExternalTools.Which("curl")!,
                    ["TOKEN"] = token ?? "",
                });
            output.WriteLine($"$ {script}\n{result.Output}");
            var statuses = StatusLine().Matches(result.StandardError).Select(m => int.Parse(m.Groups[1].Value)).ToList();
            Assert.True(result.ExitCode == 0 && statuses.Count == 1 && statuses[0] is >= 200 and < 300,
                $"{command}\nanswered {string.Join(", ", statuses)} (exit {result.ExitCode}):\n{result.Output}");
            token = TokenLine().Match(result.StandardError) is { Success: true, Groups: [_, { Value.Length: > 0 } t] } ? t.Value : token;
        }

        Assert.False(string.IsNullOrEmpty(token), "the login example set no TOKEN");
    });

    [SpecExampleFact("python3")]
    public Task Document_001_python_client_runs() => WithServerAsync(async h =>
    {
        var example = SpecDocuments.Blocks("001").Single(b => b.Language == "python" && b.Code.Contains("import requests"));
        await h.EnsureAccountAsync(LoginPassword(example.Code));
        var result = await RunPythonAsync(h, example);
        Assert.True(result.ExitCode == 0, $"{example} failed:\n{result.Output}");
        // It prints the answer, then the task id; a failed login would print nothing.
        Assert.Matches(@"Task submitted: task_[0-9a-f-]{36}", result.StandardOutput);
        Assert.True(result.StandardOutput.Split('\n')[0].Length > 10, result.StandardOutput);
    });

    [SpecExampleFact("node")]
    public Task Document_001_javascript_client_runs() => WithServerAsync(async h =>
    {
        var example = SpecDocuments.Blocks("001").Single(b => b.Language == "javascript" && b.Code.Contains("fetch("));
        await h.EnsureAccountAsync(LoginPassword(example.Code));
        var (result, _) = await RunJavaScriptProcessAsync(h, example);
        Assert.True(result.ExitCode == 0, $"{example} failed:\n{result.Output}");
        var printed = result.StandardOutput.Split('\n')[0];
        Assert.True(printed.Length > 10 && printed != "undefined", $"{example} printed: {result.StandardOutput}");
    });

    [SpecExampleFact("node")]
    public Task Document_003_websocket_example_connects_and_receives() => WithServerAsync(async h =>
    {
        var example = SpecDocuments.Blocks("003").Single(b => b.Language == "javascript" && b.Code.Contains("new WebSocket("));
        var (result, sockets) = await RunJavaScriptProcessAsync(h, example);
        Assert.True(result.ExitCode == 0, $"{example} failed:\n{result.Output}");
        Assert.True(sockets.Single().GetProperty("opened").GetBoolean(), result.Output);
        Assert.Contains("Received:", result.StandardOutput);
    });

    private static string? LoginPassword(string code)
        => LoginCall().Match(code) is { Success: true } m ? m.Groups[1].Value : null;

    private async Task<ExternalTools.ProcessResult> RunPythonAsync(Harness h, SpecDocuments.Block example)
    {
        var file = Path.Combine(h.App.DataDir, $"example-{example.Line}.py");
        await File.WriteAllTextAsync(file, await h.FillInAsync(example.Code));
        var result = await ExternalTools.RunAsync("python3", [file], h.App.DataDir, TimeSpan.FromMinutes(3));
        output.WriteLine($"{example}:\n{result.Output}");
        return result;
    }

    private async Task<List<JsonElement>> RunJavaScriptAsync(Harness h, SpecDocuments.Block example)
    {
        var (result, sockets) = await RunJavaScriptProcessAsync(h, example);
        Assert.True(result.ExitCode == 0, $"{example} failed:\n{result.Output}");
        return sockets;
    }

    private async Task<(ExternalTools.ProcessResult Result, List<JsonElement> Sockets)> RunJavaScriptProcessAsync(Harness h, SpecDocuments.Block example)
    {
        var file = Path.Combine(h.App.DataDir, $"example-{example.Line}.mjs");
        await File.WriteAllTextAsync(file, await h.FillInAsync(example.Code));
        var hasWebSocket = (await ExternalTools.RunAsync("node", ["-p", "typeof WebSocket"], h.App.DataDir, TimeSpan.FromMinutes(1))).StandardOutput.Trim() == "function";
        string[] arguments = hasWebSocket ? [Path.Combine(ToolsFolder, "run-js.mjs"), file] : ["--experimental-websocket", Path.Combine(ToolsFolder, "run-js.mjs"), file];
        var result = await ExternalTools.RunAsync("node", arguments, h.App.DataDir, TimeSpan.FromMinutes(3));
        output.WriteLine($"{example}:\n{result.Output}");
        var line = result.StandardOutput.Split('\n').FirstOrDefault(l => l.StartsWith("@@sockets ", StringComparison.Ordinal));
        var sockets = line is null ? [] : JsonDocument.Parse(line["@@sockets ".Length..]).RootElement.EnumerateArray().ToList();
        return (result, sockets);
    }

    /// <summary>The state the examples assume: the account, its token, and real ids for the documents' example ids.</summary>
    private sealed class Harness(SqliteApp app)
    {
        public SqliteApp App => app;

        private string _password = "";
        private string? _sessionId;
        private string? _taskId;
        private bool _dataset;

        /// <summary><c>user@example.com</c> exists as a registered user with this password (null: keep the current one).</summary>
        public async Task EnsureAccountAsync(string? password)
        {
            password ??= _password.Length > 0 ? _password : "securepassword123";
            if ((await LoginAsync(password)).IsSuccessStatusCode)
            {
                _password = password;
                return;
            }

            var search = await Json.ReadAsync(await app.Admin.Client.GetAsync($"/api/v1/users?search={Email}"), 200);
            if (search.GetProperty("items").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } user)
            {
                await Json.ReadAsync(await app.Admin.Client.PutAsJsonAsync($"/api/v1/users/{user.GetProperty("id").GetGuid()}", new { password }), 200);
            }
            else
            {
                await Json.ReadAsync(await app.Anonymous().PostAsJsonAsync("/api/v1/auth/register", new { email = Email, password, full_name = "Example User" }), 201);
            }

            _password = password;
        }

        private Task<HttpResponseMessage> LoginAsync(string password) => app.Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { email = Email, password });

        private async Task<HttpClient> UserAsync()
        {
            var login = await Json.ReadAsync(await LoginAsync(_password), 200);
            return app.Authorized(login.GetProperty("access_token").GetString()!);
        }

        /// <summary>The example's text with the test server's address and real values for its placeholders.</summary>
        public async Task<string> FillInAsync(string code)
        {
            code = code.Replace("localhost:8000", $"{app.BaseAddress.Host}:{app.BaseAddress.Port}", StringComparison.Ordinal);
            if (code.Contains("YOUR_JWT_TOKEN"))
            {
                var login = await Json.ReadAsync(await LoginAsync(_password), 200);
                code = code.Replace("YOUR_JWT_TOKEN", login.GetProperty("access_token").GetString());
            }

            if (code.Contains("\"sales_database\"") && !_dataset)
            {
                // The Three-Database Chatbot's analysis names a data source; Parley analyses a dataset registered under that name.
                using var form = new MultipartFormDataContent
                {
                    { new StringContent("sales_database"), "name" },
                    { new ByteArrayContent("order_id,date,amount,converted\n1,2024-10-02,120.50,1\n2,2024-11-15,80.00,0\n3,2024-12-20,150.25,1\n"u8.ToArray()), "file", "sales.csv" },
                };
                await Json.ReadAsync(await (await UserAsync()).PostAsync("/api/v1/datasets", form), 201);
                _dataset = true;
            }

            if (code.Contains("task_123e4567-e89b-12d3-a456-426614174000"))
            {
                code = code.Replace("task_123e4567-e89b-12d3-a456-426614174000", await TaskIdAsync());
            }

            if (code.Contains("notif_123e4567-e89b-12d3-a456-426614174000"))
            {
                code = code.Replace("notif_123e4567-e89b-12d3-a456-426614174000", await NotificationIdAsync());
            }

            if (code.Contains("123e4567-e89b-12d3-a456-426614174000") || code.Contains("CLI_SESSION_ID"))
            {
                var session = await SessionIdAsync();
                code = code.Replace("123e4567-e89b-12d3-a456-426614174000", session).Replace("CLI_SESSION_ID", session);
            }

            return code;
        }

        private async Task<string> SessionIdAsync()
        {
            if (_sessionId is null)
            {
                var turn = await Json.ReadAsync(await (await UserAsync()).PostAsJsonAsync("/api/v1/chat/message", new { message = "What is Redis?" }), 200);
                _sessionId = turn.GetProperty("session_id").GetString();
            }

            return _sessionId!;
        }

        private async Task<string> TaskIdAsync()
        {
            if (_taskId is null)
            {
                var task = await Json.ReadAsync(await (await UserAsync()).PostAsJsonAsync("/api/v1/tasks/analyze", new { description = "Analyze customer purchase patterns from Q4 2024" }), 200);
                _taskId = task.GetProperty("task_id").GetString();
                var client = await UserAsync();
                var deadline = DateTime.UtcNow.AddMinutes(2);
                while ((await Json.ReadAsync(await client.GetAsync($"/api/v1/tasks/{_taskId}/status"), 200)).GetProperty("status").GetString() is not ("completed" or "failed"))
                {
                    Assert.True(DateTime.UtcNow < deadline, "the analysis task did not finish within 2 minutes");
                    await Task.Delay(200);
                }
            }

            return _taskId!;
        }

        private async Task<string> NotificationIdAsync()
        {
            await TaskIdAsync();
            var list = await Json.ReadAsync(await (await UserAsync()).GetAsync("/api/v1/notifications"), 200);
            return list.GetProperty("notifications")[0].GetProperty("id").GetString()!;
        }
    }

    [GeneratedRegex("""login\(\s*['"]user@example\.com['"]\s*,\s*['"]([^'"]+)['"]\s*\)""")]
    private static partial Regex LoginCall();

    [GeneratedRegex(@"""password""\s*:\s*""([^""]+)""")]
    private static partial Regex PasswordInJson();

    [GeneratedRegex(@"^@@status (\d{3}) ", RegexOptions.Multiline)]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"^@@TOKEN (.*)$", RegexOptions.Multiline)]
    private static partial Regex TokenLine();
}
