using System.Diagnostics;
using System.Text;

namespace Parley.Tests.Conformance;

/// <summary>
/// Programs outside .NET that the conformance tests run (node/npm for the OpenAPI linters and the
/// documents' JavaScript examples, python3 for their Python examples, curl for their shell
/// examples). A fresh machine without them reports those tests as not run, by name and with the
/// reason; CI sets <c>PARLEY_REQUIRE_SHARED_DATA=1</c>, which makes them run, and fail, instead.
/// </summary>
public static class ExternalTools
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Null when every program is on PATH (or must be, in CI); otherwise why the test is not run.</summary>
    public static string? NotRunReason(params string[] programs)
    {
        if (SharedData.Required)
        {
            return null;
        }

        var missing = programs.Where(p => Which(p) is null).ToList();
        return missing.Count == 0 ? null : $"{string.Join(", ", missing)} not found on PATH";
    }

    public static string? Which(string program)
        => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);

    private static readonly SemaphoreSlim NpmGate = new(1, 1);

    /// <summary>
    /// <c>npm ci</c> in a folder with a package.json and package-lock.json, unless node_modules
    /// already matches the lockfile (npm writes node_modules/.package-lock.json after installing).
    /// Install scripts are not run: none of the tools needs one, and one of their dependencies'
    /// scripts only reports usage over the network.
    /// </summary>
    public static async Task NpmCiAsync(string folder)
    {
        await NpmGate.WaitAsync();
        try
        {
            var installed = Path.Combine(folder, "node_modules", ".package-lock.json");
            var lockFile = Path.Combine(folder, "package-lock.json");
            if (File.Exists(installed) && File.GetLastWriteTimeUtc(installed) >= File.GetLastWriteTimeUtc(lockFile))
            {
                return;
            }

            var result = await RunAsync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], folder, TimeSpan.FromMinutes(10));
            Assert.True(result.ExitCode == 0, $"npm ci in {folder} failed ({result.ExitCode}):\n{result.Output}");
        }
        finally
        {
            NpmGate.Release();
        }
    }

    public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
    {
        public string Output => StandardOutput + "\n" + StandardError;
    }

    /// <summary>Runs a program to its end (killed after <paramref name="timeout"/>), with no telemetry from the npm tools.</summary>
    public static async Task<ProcessResult> RunAsync(string program, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["SCARF_ANALYTICS"] = "false";
        start.Environment["DO_NOT_TRACK"] = "1";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        start.Environment["NO_UPDATE_NOTIFIER"] = "1";
        start.Environment["npm_config_update_notifier"] = "false";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}:\n{await stdout}\n{await stderr}");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Parley.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Repository root (Parley.slnx) not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A fact that needs node and npm: not run, with the reason, when they are absent and not required.</summary>
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute() => Skip = ExternalTools.NotRunReason("node", "npm");
}
