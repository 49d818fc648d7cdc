using System.Text.RegularExpressions;

namespace Parley.Tests.Conformance;

/// <summary>
/// The five reference documents in <c>../shared/spec</c> beside the repository (never copied into
/// it; <c>PARLEY_SHARED_SPEC</c> points elsewhere) and the fenced code blocks in them.
/// </summary>
public static partial class SpecDocuments
{
    public static string Folder { get; } = Environment.GetEnvironmentVariable("PARLEY_SHARED_SPEC") is { Length: > 0 } configured
        ? Path.GetFullPath(configured)
        : Path.GetFullPath(Path.Combine(ExternalTools.RepositoryRoot, "..", "shared", "spec"));

    public sealed record Block(string Document, int Line, string Language, string Code)
    {
        public override string ToString() => $"{Document} line {Line} ({Language})";
    }

    /// <summary>Every fenced block of the document whose file name starts with <paramref name="number"/> ("000"...).</summary>
    public static IReadOnlyList<Block> Blocks(string number)
    {
        if (!Directory.Exists(Folder))
        {
            throw new DirectoryNotFoundException($"Reference documents not found at {Folder} and {SharedData.RequireVariable} is set; put them there or set PARLEY_SHARED_SPEC.");
        }

        var file = Directory.GetFiles(Folder, number + "_*.txt").Single();
        var lines = File.ReadAllLines(file);
        var blocks = new List<Block>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (Fence().Match(lines[i]) is not { Success: true } open)
            {
                continue;
            }

            var end = Array.FindIndex(lines, i + 1, l => l.TrimEnd() == "```");
            if (end < 0)
            {
                break;
            }

            blocks.Add(new Block(Path.GetFileName(file), i + 1, open.Groups[1].Value, string.Join('\n', lines[(i + 1)..end])));
            i = end;
        }

        return blocks;
    }

    /// <summary>The shell commands of a bash block that call curl, continuation lines joined.</summary>
    public static IEnumerable<string> CurlCommands(Block block)
    {
        var command = "";
        foreach (var raw in block.Code.Split('\n'))
        {
            var line = raw.TrimEnd();
            if (command.Length == 0 && (line.TrimStart().StartsWith('#') || line.Length == 0))
            {
                continue;
            }

            command += line.EndsWith('\\') ? line[..^1] + " " : line;
            // A line ending in a backslash, or inside a quoted JSON body (-d '{ ... }'), goes on.
            if (line.EndsWith('\\') || command.Count(c => c == '\'') % 2 == 1)
            {
                command += line.EndsWith('\\') ? "" : "\n";
                continue;
            }

            if (CurlCommand().IsMatch(command))
            {
                yield return command.Trim();
            }

            command = "";
        }
    }

    [GeneratedRegex(@"^```([a-z]+)\s*$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^\s*(?:[A-Z_]+=\$\()?curl\s")]
    private static partial Regex CurlCommand();
}

/// <summary>
/// A fact that runs reference-document examples: not run, with the reason, when the documents or
/// the programs the examples need are absent and <c>PARLEY_REQUIRE_SHARED_DATA</c> is not set.
/// </summary>
public sealed class SpecExampleFactAttribute : FactAttribute
{
    public SpecExampleFactAttribute(params string[] programs)
    {
        Skip = SharedData.Required ? null
            : !Directory.Exists(SpecDocuments.Folder) ? $"reference documents not found at {SpecDocuments.Folder}; set PARLEY_SHARED_SPEC to run it"
            : ExternalTools.NotRunReason(programs) is { } missing ? missing
            : programs.Contains("python3") && !PythonRequests.Value ? "python3 has no 'requests' module"
            : null;
    }

    private static readonly Lazy<bool> PythonRequests = new(() =>
        ExternalTools.RunAsync("python3", ["-c", "import requests"], Path.GetTempPath(), TimeSpan.FromMinutes(1)).GetAwaiter().GetResult().ExitCode == 0);
}
