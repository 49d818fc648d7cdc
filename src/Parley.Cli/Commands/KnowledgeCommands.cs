using System.CommandLine;
using Parley.Client;
using Spectre.Console;

namespace Parley.Cli.Commands;

public static class KnowledgeCommands
{
    public static Command Create()
    {
        var command = new Command("knowledge", "Knowledge sources: list, show, add files, search, delete.");
        var list = new Command("list", "List knowledge sources with their status.");
        list.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            var sources = await context.Client().Knowledge.ListAllAsync(cancellationToken: ct).ToListAsync(ct);
            context.WriteTable(sources, "id", "name", "type", "status", "chunk_count", "category", "updated_at");
            return ExitCodes.Ok;
        });

        var showId = new Argument<Guid>("id");
        var show = new Command("show", "Show one source.") { showId };
        show.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            var source = await context.Client().Knowledge.GetAsync(parse.GetValue(showId), ct);
            context.WriteObject(source, "id", "name", "type", "status", "error", "chunk_count", "file_name", "size_bytes", "category", "version", "indexed_at");
            return ExitCodes.Ok;
        });

        var deleteId = new Argument<Guid>("id");
        var delete = new Command("delete", "Delete a source and its passages.") { deleteId };
        delete.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            await context.Client().Knowledge.DeleteAsync(parse.GetValue(deleteId), ct);
            CliContext.Info("Deleted.");
            return ExitCodes.Ok;
        });

        var query = new Argument<string>("query");
        var limit = new Option<int?>("--limit") { Description = "At most this many passages (1-100)." };
        var searchCategory = new Option<string?>("--category");
        var search = new Command("search", "Search the knowledge base as a chat turn would.") { query, limit, searchCategory };
        search.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            var result = await context.Client().Knowledge.SearchAsync(parse.GetValue(query)!, parse.GetValue(limit), parse.GetValue(searchCategory), ct);
            if (context.Json)
            {
                context.WriteJson(result);
                return ExitCodes.Ok;
            }

            context.WriteTable(result.Results.Select((h, i) => new { rank = i + 1, score = Math.Round(h.Score, 4), h.Source, h.Title, h.Excerpt }), "rank", "score", "source", "title", "excerpt");
            return ExitCodes.Ok;
        });

        command.Subcommands.Add(list);
        command.Subcommands.Add(show);
        command.Subcommands.Add(Add());
        command.Subcommands.Add(search);
        command.Subcommands.Add(delete);
        return command;
    }

    private static Command Add()
    {
        var paths = new Argument<string[]>("path") { Arity = ArgumentArity.OneOrMore, Description = "Files or directories (a directory adds its files; --recursive adds those below too)." };
        var recursive = new Option<bool>("--recursive", "-r") { Description = "Descend into subdirectories." };
        var category = new Option<string?>("--category") { Description = "Category of the new sources." };
        var noWait = new Option<bool>("--no-wait") { Description = "Do not wait for indexing." };
        var command = new Command("add", "Upload files as knowledge sources with progress, then wait until each is indexed and print a summary.")
        {
            paths,
            recursive,
            category,
            noWait,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            var client = context.Client();
            var files = Collect(parse.GetValue(paths)!, parse.GetValue(recursive));
            if (files.Count == 0)
            {
                throw new CliException(ExitCodes.Error, "No files to add.");
            }

            var results = files.Select(f => new AddResult(f)).ToList();
            await UploadAllAsync(context, client, results, parse.GetValue(category), ct);
            if (!parse.GetValue(noWait))
            {
                await WaitAllAsync(context, client, results, ct);
            }

            if (context.Json)
            {
                context.WriteJson(results.Select(r => new { file = r.File, source_id = r.SourceId, status = r.Status, chunk_count = r.Chunks, error = r.Error }));
            }
            else
            {
                context.WriteTable(results.Select(r => new { file = r.File, source_id = r.SourceId, status = r.Status, chunk_count = r.Chunks, error = r.Error }),
                    "file", "source_id", "status", "chunk_count", "error");
                var ready = results.Count(r => r.Status == "ready");
                CliContext.Info($"{results.Count} files: {ready} ready, {results.Count(r => r.Status == "failed")} failed, {results.Count - ready - results.Count(r => r.Status == "failed")} other.");
            }

            return results.All(r => r.Status is "ready" or "queued" or "processing") ? ExitCodes.Ok : ExitCodes.Error;
        });
        return command;
    }

    private sealed class AddResult(string file)
    {
        public string File { get; } = file;
        public Guid? SourceId { get; set; }
        public string Status { get; set; } = "pending";
        public int Chunks { get; set; }
        public string? Error { get; set; }
    }

    private static List<string> Collect(string[] paths, bool recursive)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                files.Add(path);
            }
            else if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = recursive, AttributesToSkip = FileAttributes.Hidden })
                    .Where(f => !Path.GetFileName(f).StartsWith('.'))
                    .Order(StringComparer.Ordinal));
            }
            else
            {
                throw CliException.Usage($"No file or directory at {path}.");
            }
        }

        return files;
    }

    private static async Task UploadAllAsync(CliContext context, ParleyClient client, List<AddResult> results, string? category, CancellationToken ct)
    {
        var totalBytes = results.Sum(r => new FileInfo(r.File).Length);
        async Task UploadAsync(AddResult result, Action<long> onBytes)
        {
            try
            {
                await using var stream = File.OpenRead(result.File);
                var accepted = await client.Knowledge.UploadAsync(stream, Path.GetFileName(result.File), category, progress: new InlineProgress<long>(onBytes), cancellationToken: ct);
                result.SourceId = accepted.Id;
                result.Status = accepted.Status;
            }
            catch (ParleyApiException e) when (e.Status is not (0 or 401))
            {
                result.Status = "failed";
                result.Error = e.ToDisplayString();
            }
        }

        if (context.Json || Console.IsOutputRedirected)
        {
            foreach (var result in results)
            {
                await UploadAsync(result, _ => { });
                if (!context.Json)
                {
                    CliContext.Info($"uploaded {result.File}: {result.Status}{(result.Error is null ? "" : " (" + result.Error + ")")}");
                }
            }

            return;
        }

        await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn())
            .StartAsync(async progress =>
            {
                var overall = progress.AddTask("[bold]all files[/]", maxValue: Math.Max(1, totalBytes));
                long before = 0;
                foreach (var result in results)
                {
                    var size = new FileInfo(result.File).Length;
                    var task = progress.AddTask(Markup.Escape(Path.GetFileName(result.File)), maxValue: Math.Max(1, size));
                    await UploadAsync(result, sent =>
                    {
                        task.Value = sent;
                        overall.Value = before + sent;
                    });
                    before += size;
                    task.Value = task.MaxValue;
                    overall.Value = before;
                }
            });
    }

    private static async Task WaitAllAsync(CliContext context, ParleyClient client, List<AddResult> results, CancellationToken ct)
    {
        var pending = results.Where(r => r.SourceId is not null).ToList();
        async Task<int> PollAsync()
        {
            foreach (var result in pending.Where(r => r.Status is not ("ready" or "failed")))
            {
                var status = await client.Knowledge.StatusAsync(result.SourceId!.Value, ct);
                result.Status = status.Status;
                result.Chunks = status.ChunkCount;
                result.Error = status.Error;
            }

            return pending.Count(r => r.Status is "ready" or "failed");
        }

        if (context.Json || Console.IsOutputRedirected)
        {
            var reported = -1;
            while (true)
            {
                var settled = await PollAsync();
                if (settled != reported && !context.Json)
                {
                    CliContext.Info($"indexed {settled}/{pending.Count}");
                    reported = settled;
                }

                if (settled == pending.Count)
                {
                    return;
                }

                await Task.Delay(300, ct);
            }
        }

        await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask("indexing", maxValue: Math.Max(1, pending.Count));
                while (true)
                {
                    var settled = await PollAsync();
                    task.Value = settled;
                    if (settled == pending.Count)
                    {
                        return;
                    }

                    await Task.Delay(300, ct);
                }
            });
    }
}
