using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Parley.Server.Evaluation;

/// <summary>The server <c>eval answers</c> talks to: this server's own assembly in its own process, and the HTTP calls it makes.</summary>
internal static class AnswersServer
{
    /// <summary>This server's own executable, in its own process, on loopback only, with a scratch data directory.</summary>
    public static Process StartServer(string dataDir, out Uri baseAddress)
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            baseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}");
        }

        // This server's own apphost when run as the server; otherwise (dotnet run, a test host) the dotnet host runs its assembly.
        var host = Environment.ProcessPath ?? "dotnet";
        var own = Path.GetFileNameWithoutExtension(host) == Path.GetFileNameWithoutExtension(typeof(AnswersEvaluation).Assembly.Location);
        var start = new ProcessStartInfo(own ? host : DotnetHost(host)) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (!own)
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

    private static string DotnetHost(string current)
        => Path.GetFileNameWithoutExtension(current) == "dotnet" ? current
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } sdkHost ? sdkHost
            : "dotnet";

    public static async Task WaitHealthyAsync(HttpClient http, Process server, CancellationToken ct)
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

    public static async Task<string> RegisterAsync(HttpClient http, string name, CancellationToken ct)
    {
        var body = await SendAsync(http, HttpMethod.Post, "/api/v1/auth/register", null,
            new { email = $"{name}@example.com", username = name, password = "eval-" + Guid.NewGuid().ToString("N"), full_name = name }, ct);
        return body.GetProperty("access_token").GetString()!;
    }

    public static async Task<JsonElement> SendAsync(HttpClient http, HttpMethod method, string path, string? token, object? body, CancellationToken ct)
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

}
