using System.Text.Json;
using Parley.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Parley.Tests.Conformance;

/// <summary>
/// The server's own /openapi.json through Spectral (ruleset <c>spectral:oas</c>) and Redocly
/// (<c>recommended</c>): no errors in either (issue 19). The linters come from
/// tools/openapi-lint/package.json and its lockfile, installed with npm ci.
/// </summary>
public sealed class OpenApiLintTests(SqliteApp app, ITestOutputHelper output) : IClassFixture<SqliteApp>
{
    private static readonly string LintFolder = Path.Combine(ExternalTools.RepositoryRoot, "tools", "openapi-lint");

    private async Task<string> SaveDocumentAsync()
    {
        var text = await (await app.Anonymous().GetAsync("/openapi.json")).Content.ReadAsStringAsync();
        var file = Path.Combine(app.DataDir, "openapi.json");
        await File.WriteAllTextAsync(file, text);
        return file;
    }

    [NodeFact]
    public async Task Spectral_finds_no_errors()
    {
        await ExternalTools.NpmCiAsync(LintFolder);
        var file = await SaveDocumentAsync();
        var result = await ExternalTools.RunAsync("node", [Path.Combine("node_modules", "@stoplight", "spectral-cli", "dist", "index.js"),
            "lint", "--ruleset", ".spectral.yaml", "--format", "json", "--quiet", file], LintFolder, TimeSpan.FromMinutes(5));

        // Spectral prints "[]" or the list of problems; severity 0 is an error, 1 a warning.
        var start = result.StandardOutput.IndexOf('[');
        Assert.True(start >= 0, $"spectral printed no JSON ({result.ExitCode}):\n{result.Output}");
        var problems = JsonDocument.Parse(result.StandardOutput[start..]).RootElement.EnumerateArray().ToList();
        var errors = problems.Where(p => p.GetProperty("severity").GetInt32() == 0).ToList();
        output.WriteLine($"spectral: {errors.Count} errors, {problems.Count - errors.Count} warnings and hints");
        foreach (var p in problems)
        {
            output.WriteLine($"  {p.GetProperty("severity")} {p.GetProperty("code")}: {p.GetProperty("message")} at {p.GetProperty("path")}");
        }

        Assert.True(errors.Count == 0, "spectral errors:\n" + string.Join("\n", errors.Select(e => $"{e.GetProperty("code")}: {e.GetProperty("message")} at {e.GetProperty("path")}")));
    }

    [NodeFact]
    public async Task Redocly_finds_no_errors()
    {
        await ExternalTools.NpmCiAsync(LintFolder);
        var file = await SaveDocumentAsync();
        var result = await ExternalTools.RunAsync("node", [Path.Combine("node_modules", "@redocly", "cli", "bin", "cli.js"),
            "lint", "--config", "redocly.yaml", "--format", "json", "--max-problems", "10000", file], LintFolder, TimeSpan.FromMinutes(5));

        var start = result.StandardOutput.IndexOf('{');
        Assert.True(start >= 0, $"redocly printed no JSON ({result.ExitCode}):\n{result.Output}");
        var report = JsonDocument.Parse(result.StandardOutput[start..]).RootElement;
        var totals = report.GetProperty("totals");
        output.WriteLine($"redocly: {totals.GetProperty("errors")} errors, {totals.GetProperty("warnings")} warnings");
        foreach (var p in report.GetProperty("problems").EnumerateArray())
        {
            output.WriteLine($"  {p.GetProperty("severity")} {p.GetProperty("ruleId")}: {p.GetProperty("message")}");
        }

        Assert.True(totals.GetProperty("errors").GetInt32() == 0, "redocly errors:\n" + string.Join("\n", report.GetProperty("problems").EnumerateArray()
            .Where(p => p.GetProperty("severity").GetString() == "error").Select(p => $"{p.GetProperty("ruleId")}: {p.GetProperty("message")}")));
    }
}
