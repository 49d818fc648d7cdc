using System.Diagnostics;
using System.Text.Json;

namespace Parley.Tests.Cli;

/// <summary>What one run of the real <c>parley</c> process did.</summary>
public sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public IReadOnlyList<JsonElement> JsonLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(l => l.StartsWith('{') || l.StartsWith('['))
        .Select(l => JsonDocument.Parse(l).RootElement.Clone())
        .ToList();

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// Runs the built <c>parley</c> (src/Parley.Cli's output, with <c>dotnet</c>) as a user with their own
/// home and config directory, against a server, with stdin fed from a string.
/// </summary>
public sealed class ParleyCli : IDisposable
{
    public ParleyCli(Uri server)
    {
        Server = server.ToString().TrimEnd('/');
        Home = Directory.CreateTempSubdirectory("parley-cli-home-").FullName;
    }

    public string Server { get; }

    public string Home { get; }

    public string ConfigDir => Path.Combine(Home, ".config", "parley");

    public string ConfigFile => Path.Combine(ConfigDir, "config.json");

    public static string Dll
    {
        get
        {
            // tests/Parley.Tests/bin/<Configuration>/net10.0/ -> src/Parley.Cli/bin/<Configuration>/net10.0/parley.dll
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = output.Parent!.Name;
            var root = output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
            var dll = Path.Combine(root, "src", "Parley.Cli", "bin", configuration, output.Name, "parley.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build src/Parley.Cli first: {dll} is missing.");
        }
    }

    public Task<CliRun> RunAsync(params string[] args) => RunWithInputAsync(null, args);

    public async Task<CliRun> RunWithInputAsync(string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = Home;
        start.Environment["XDG_CONFIG_HOME"] = Path.Combine(Home, ".config");
        start.Environment["PARLEY_URL"] = Server;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"parley {string.Join(' ', args)} did not finish: {await stdout}\n{await stderr}");
        }

        return new CliRun(process.ExitCode, await stdout, await stderr);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
            // The temp cleaner gets it.
        }
    }
}
