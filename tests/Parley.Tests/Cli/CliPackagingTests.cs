using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Parley.Server.Evaluation;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Cli;

/// <summary>`parley eval` is the server's evaluation, and `parley` packs and installs as a .NET tool from a local folder.</summary>
public sealed class CliPackagingTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task Eval_runs_the_servers_own_evaluation_and_prints_the_same_figures()
    {
        var folder = Directory.CreateTempSubdirectory("parley-cli-eval-").FullName;
        try
        {
            var samples = new[]
            {
                new { full_text = "Mail me at jane.doe@example.com please", spans = new[] { new { entity_type = "EMAIL_ADDRESS", start_position = 11, end_position = 31 } } },
                new { full_text = "My card is 4111 1111 1111 1111", spans = new[] { new { entity_type = "CREDIT_CARD", start_position = 11, end_position = 30 } } },
                new { full_text = "Nothing personal here", spans = Array.Empty<object>().Select(_ => new { entity_type = "", start_position = 0, end_position = 0 }).ToArray() },
            };
            var file = Path.Combine(folder, "synth.json");
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(samples));

            using var cli = new ParleyCli(app.BaseAddress);
            var run = await cli.RunAsync("eval", "pii", "--data", folder);
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("span_precision: ", run.Stdout, StringComparison.Ordinal);

            var server = new StringWriter(CultureInfo.InvariantCulture);
            Assert.Equal(0, await EvaluationCommand.RunAsync(["pii", "--data", folder], server, TextWriter.Null, CancellationToken.None));
            Assert.Equal(server.ToString().ReplaceLineEndings(), run.Stdout.ReplaceLineEndings());

            Assert.Equal(2, (await cli.RunAsync("eval", "pii")).ExitCode);
            Assert.Equal(2, (await cli.RunAsync("eval", "nonsense", "--data", folder)).ExitCode);
            var missing = await cli.RunAsync("eval", "intents", "--data", Path.Combine(folder, "absent"));
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains("No intent data set", missing.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Every kind of the server's eval runs from the CLI with its own flags, <c>answers</c> included (issue 18: "and
    /// through the CLI"): here on a three-FAQ knowledge base in DSTC10's layout with two dialogues, one asking about
    /// the hotel the agent named earlier. A flag no kind reads is refused, not ignored.
    /// </summary>
    [Fact]
    public async Task Eval_passes_the_kinds_flags_through_and_runs_answers_end_to_end()
    {
        var folder = Directory.CreateTempSubdirectory("parley-cli-answers-").FullName;
        try
        {
            var knowledge = new Dictionary<string, object>
            {
                ["hotel"] = new Dictionary<string, object>
                {
                    ["1"] = new
                    {
                        name = "Harbour View Hotel",
                        docs = new Dictionary<string, object>
                        {
                            ["0"] = new { title = "Is there free wifi?", body = "Yes, wifi is free in every room at Harbour View Hotel." },
                            ["1"] = new { title = "Can I bring my dog?", body = "Dogs are welcome at Harbour View Hotel for a fee of ten pounds a night." },
                        },
                    },
                    ["2"] = new
                    {
                        name = "Garden Lodge",
                        docs = new Dictionary<string, object> { ["0"] = new { title = "Is there parking?", body = "Garden Lodge has a free car park behind the building." } },
                    },
                },
            };
            Directory.CreateDirectory(Path.Combine(folder, "val"));
            await File.WriteAllTextAsync(Path.Combine(folder, "knowledge.json"), JsonSerializer.Serialize(knowledge));
            await File.WriteAllTextAsync(Path.Combine(folder, "val", "logs.json"), JsonSerializer.Serialize(new object[]
            {
                new object[]
                {
                    new { speaker = "U", text = "i need a hotel near the harbour" },
                    new { speaker = "S", text = "Harbour View Hotel is right on the water." },
                    new { speaker = "U", text = "can i bring my dog to the hotel" },
                },
                new object[] { new { speaker = "U", text = "thanks, that is all for today" } },
            }));
            await File.WriteAllTextAsync(Path.Combine(folder, "val", "labels.json"), JsonSerializer.Serialize(new object[]
            {
                new { target = true, knowledge = new[] { new { domain = "hotel", entity_id = 1, doc_id = 1 } } },
                new { target = false },
            }));

            using var cli = new ParleyCli(app.BaseAddress);
            var run = await cli.RunAsync("eval", "answers", "--data", folder, "--dialogues", "2");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("knowledge: 3 FAQs in 2 sources", run.Stdout, StringComparison.Ordinal);
            Assert.Contains("dialogues: 2 replayed", run.Stdout, StringComparison.Ordinal);
            Assert.Contains("knowledge-seeking last turns: 1", run.Stdout, StringComparison.Ordinal);
            Assert.Contains("correct_first_citation: ", run.Stdout, StringComparison.Ordinal);
            Assert.Contains("out_of_scope: not run", run.Stdout, StringComparison.Ordinal);

            // The kind's flags reach it: a malformed value is its error (exit 1), an unknown flag a usage error (exit 2).
            var malformed = await cli.RunAsync("eval", "intents", "--data", folder, "--shots", "ten");
            Assert.Equal(1, malformed.ExitCode);
            Assert.Contains("--shots takes a whole number", malformed.Stderr, StringComparison.Ordinal);
            var unknown = await cli.RunAsync("eval", "answers", "--data", folder, "--dialogue", "2");
            Assert.Equal(2, unknown.ExitCode);
            Assert.Contains("unknown option '--dialogue'", unknown.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_cli_packs_as_a_dotnet_tool_that_installs_from_a_local_folder_and_runs()
    {
        var work = Directory.CreateTempSubdirectory("parley-cli-pack-").FullName;
        try
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = output.Parent!.Name;
            var project = Path.Combine(output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName, "src", "Parley.Cli", "Parley.Cli.csproj");
            var packages = Path.Combine(work, "packages");
            var tools = Path.Combine(work, "tools");
            await DotnetAsync("pack", project, "-c", configuration, "--no-build", "-o", packages);
            Assert.Single(Directory.GetFiles(packages, "Parley.Cli.*.nupkg"));
            await DotnetAsync("tool", "install", "Parley.Cli", "--tool-path", tools, "--add-source", packages, "--version", "0.1.0");

            var start = new ProcessStartInfo(Path.Combine(tools, "parley")) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "status", "--json", "--server", app.BaseAddress.ToString() })
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment["HOME"] = work;
            start.Environment["XDG_CONFIG_HOME"] = Path.Combine(work, ".config");
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            Assert.True(process.ExitCode == 0, await stderr);
            Assert.Equal("healthy", JsonDocument.Parse(await stdout).RootElement.GetProperty("status").GetString());
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task DotnetAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)}: {await stdout}\n{await stderr}");
    }
}
