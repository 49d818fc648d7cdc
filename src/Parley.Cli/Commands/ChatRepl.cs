using System.Globalization;
using System.Text.Json;
using Parley.Client;
using Spectre.Console;

namespace Parley.Cli.Commands;

/// <summary>
/// The chat REPL of the Three-Database Chatbot document: each line is a turn, streamed as it arrives (Ctrl-C stops the
/// answer, not the REPL), or a slash command. With <c>--json</c> every answer and command result is
/// one JSON line, for scripts.
/// </summary>
public sealed class ChatRepl(CliContext context, ParleyClient client, string? sessionId, Guid? assistantId, bool verbose)
{
    private static readonly string[] Help =
    [
        "/help                      this list",
        "/session-stats             session id, message count, started, engine, usage and quota",
        "/history                   the messages of this session",
        "/sessions                  your recent sessions",
        "/switch ID                 continue another session",
        "/new                       start a new session",
        "/notifications [read]      your notifications (read: mark them all read)",
        "/task analyze DESCRIPTION  submit an analysis task and follow it until done",
        "/task research TOPIC       submit a research task and follow it until done",
        "/quit                      leave (also /exit, Ctrl-D)",
    ];

    private string? _session = sessionId;
    private string? _lastEngine;
    private CancellationTokenSource? _turn;

    private bool Interactive => !Console.IsInputRedirected && !context.Json;

    public async Task<int> RunAsync(TextReader input, CancellationToken cancellationToken)
    {
        if (_session is not null && Guid.TryParse(_session, out var existing))
        {
            // An unknown or foreign session is a clear error before the first turn, not after it.
            // (Any other string is an external session id the client chose, which the first turn creates.)
            await client.Conversations.GetAsync(existing, cancellationToken);
        }

        Console.CancelKeyPress += OnCancel;
        try
        {
            if (Interactive)
            {
                AnsiConsole.MarkupLine($"[grey]Connected to {Markup.Escape(context.Server)}. Type a message, or /help. Ctrl-C stops an answer.[/]");
            }

            while (!cancellationToken.IsCancellationRequested)
            {
                if (Interactive)
                {
                    AnsiConsole.Markup("[bold green]you>[/] ");
                }

                var line = await input.ReadLineAsync(cancellationToken);
                if (line is null)
                {
                    break;
                }

                line = line.Trim();
                if (line.Length == 0)
                {
                    continue;
                }

                try
                {
                    if (line.StartsWith('/'))
                    {
                        if (!await CommandAsync(line, cancellationToken))
                        {
                            break;
                        }
                    }
                    else
                    {
                        await TurnAsync(line, cancellationToken);
                    }
                }
                catch (Exception e) when (e is ParleyApiException { Status: not 401 } or CliException { ExitCode: ExitCodes.Usage })
                {
                    // One failed line is reported and the REPL goes on; an ended login ends it (exit 3).
                    Error(Failure.Describe(e).Message);
                }
            }

            return ExitCodes.Ok;
        }
        finally
        {
            Console.CancelKeyPress -= OnCancel;
        }
    }

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (_turn is { } turn)
        {
            e.Cancel = true;
            turn.Cancel();
        }
    }

    private async Task TurnAsync(string message, CancellationToken cancellationToken)
    {
        using var turn = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _turn = turn;
        ChatTurn? final = null;
        var streamed = false;
        try
        {
            if (_session is null && assistantId is { } assistant)
            {
                _session = (await client.Conversations.CreateAsync(assistant, cancellationToken: turn.Token)).Id.ToString();
            }

            if (Interactive)
            {
                AnsiConsole.Markup("[bold blue]bot>[/] ");
            }

            await foreach (var e in client.Chat.StreamAsync(message, _session, turn.Token))
            {
                switch (e.Type)
                {
                    case "token" when !context.Json:
                        Console.Out.Write(e.Content);
                        await Console.Out.FlushAsync(turn.Token);
                        streamed = true;
                        break;
                    case "final":
                        final = e.AsTurn();
                        if (context.Json)
                        {
                            Console.Out.WriteLine(e.Data.GetRawText());
                        }

                        break;
                    case "error":
                        throw e.AsError()!;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Console.Out.WriteLine(streamed ? " [stopped]" : "[stopped]");
            return;
        }
        finally
        {
            _turn = null;
        }

        if (final is null)
        {
            throw new ParleyApiException(0, "STREAM_ENDED", "The answer ended before it was complete.");
        }

        _session = final.SessionId.ToString();
        _lastEngine = final.Engine;
        if (context.Json)
        {
            return;
        }

        if (!streamed)
        {
            Console.Out.Write(final.Response);
        }

        Console.Out.WriteLine();
        for (var i = 0; i < final.Citations.Count; i++)
        {
            var c = final.Citations[i];
            Console.Out.WriteLine($"  [{i + 1}] {c.Source}: {c.Title}{(c.Url is null ? "" : " <" + c.Url + ">")}");
        }

        if (verbose)
        {
            var redactions = final.Redactions.Count == 0 ? "none" : string.Join(", ", final.Redactions.Select(r => r.Type));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  intent: {final.Intent}  confidence: {final.Confidence:F2}  redactions: {redactions}  engine: {final.Engine}"));
        }

        if (final.EscalationNeeded)
        {
            Console.Out.WriteLine($"  (handed to a person: {final.EscalationReason})");
        }
    }

    /// <summary>False when the REPL should end.</summary>
    private async Task<bool> CommandAsync(string line, CancellationToken ct)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var name = (space < 0 ? line : line[..space]).ToLowerInvariant();
        var rest = space < 0 ? "" : line[(space + 1)..].Trim();
        switch (name)
        {
            case "/quit" or "/exit":
                return false;
            case "/help":
                Emit(new { commands = Help }, () => Help.ToList().ForEach(Console.Out.WriteLine));
                break;
            case "/new":
                _session = null;
                _lastEngine = null;
                Emit(new { session_id = (string?)null, message = "New session." }, () => Console.Out.WriteLine("New session: it starts with your next message."));
                break;
            case "/switch":
                if (rest.Length == 0)
                {
                    throw CliException.Usage("/switch needs a session id (see /sessions).");
                }

                var conversation = await client.Conversations.GetAsync(ParseId(rest), ct);
                _session = conversation.Id.ToString();
                _lastEngine = null;
                Emit(new { session_id = conversation.Id, title = conversation.Title }, () => Console.Out.WriteLine($"Switched to {conversation.Id} ({conversation.Title})."));
                break;
            case "/sessions":
                var sessions = await client.Conversations.ListAsync(new ListQuery { Size = 20, Sort = "updated_at:desc" }, ct);
                context.WriteTable(sessions.Items.Select(s => new { s.Id, s.Title, s.Status, s.TotalMessages, s.UpdatedAt, current = s.Id.ToString() == _session }),
                    "id", "title", "status", "total_messages", "updated_at", "current");
                break;
            case "/history":
                await HistoryAsync(ct);
                break;
            case "/session-stats":
                await StatsAsync(ct);
                break;
            case "/notifications":
                await NotificationsAsync(rest, ct);
                break;
            case "/task":
                await TaskAsync(rest, ct);
                break;
            default:
                throw CliException.Usage($"Unknown command {name}: /help lists them.");
        }

        return true;
    }

    private async Task HistoryAsync(CancellationToken ct)
    {
        if (_session is null)
        {
            Emit(new { session_id = (string?)null, messages = Array.Empty<object>() }, () => Console.Out.WriteLine("No messages yet in this session."));
            return;
        }

        var history = await client.Chat.HistoryAsync(ParseId(_session), ct);
        Emit(history, () =>
        {
            foreach (var m in history.Messages)
            {
                Console.Out.WriteLine($"{m.Timestamp:u} {m.Actor}: {m.Content}");
            }
        });
    }

    private async Task StatsAsync(CancellationToken ct)
    {
        if (_session is null)
        {
            // The session exists from here on, so its id can be used over the API at once (the Three-Database Chatbot's continuity story).
            _session = (await client.Conversations.CreateAsync(assistantId, cancellationToken: ct)).Id.ToString();
        }

        var conversation = await client.Conversations.GetAsync(ParseId(_session), ct);
        var dashboard = await client.Auth.DashboardAsync(ct);
        var usage = dashboard.Usage;
        var engine = _lastEngine ?? LastEngine(conversation) ?? "(no answer yet)";
        var stats = new
        {
            session_id = conversation.Id,
            title = conversation.Title,
            status = conversation.Status,
            message_count = conversation.TotalMessages,
            started = conversation.CreatedAt,
            last_message_at = conversation.LastMessageAt,
            engine,
            plan = usage?.Plan,
            messages_this_month = usage?.MessagesThisMonth,
            background_tasks_this_month = usage?.BackgroundTasksThisMonth,
            quota_remaining = usage?.QuotaRemaining,
            limits = usage?.Limits,
        };
        if (context.Json)
        {
            context.WriteJson(stats);
            return;
        }

        context.WriteObject(stats, "session_id", "title", "status", "message_count", "started", "engine", "plan", "messages_this_month", "background_tasks_this_month", "quota_remaining", "limits");
    }

    private static string? LastEngine(Conversation conversation)
        => conversation.Messages?.LastOrDefault(m => m.MessageType is "bot" or "assistant") is { Metadata.ValueKind: JsonValueKind.Object } bot
           && bot.Metadata.TryGetProperty("engine", out var engine) && engine.ValueKind == JsonValueKind.String ? engine.GetString() : null;

    private async Task NotificationsAsync(string rest, CancellationToken ct)
    {
        if (rest.Equals("read", StringComparison.OrdinalIgnoreCase))
        {
            var marked = await client.Notifications.MarkReadAsync(cancellationToken: ct);
            Emit(marked, () => Console.Out.WriteLine($"Marked {marked.MarkedRead} read; {marked.UnreadCount} unread."));
            return;
        }

        if (rest.Length > 0)
        {
            throw CliException.Usage("/notifications takes nothing, or 'read' to mark them all read.");
        }

        var list = await client.Notifications.ListAsync(limit: 20, cancellationToken: ct);
        if (context.Json)
        {
            context.WriteJson(list);
            return;
        }

        Console.Out.WriteLine($"{list.UnreadCount} unread of {list.TotalCount}.");
        context.WriteTable(list.Notifications.Select(n => new { read = n.Read ? "" : "new", n.Title, n.Message, n.CreatedAt, n.Id }), "read", "title", "message", "created_at", "id");
    }

    private async Task TaskAsync(string rest, CancellationToken ct)
    {
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        var kind = (space < 0 ? rest : rest[..space]).ToLowerInvariant();
        var text = space < 0 ? "" : rest[(space + 1)..].Trim();
        if (kind is not ("analyze" or "research") || text.Length == 0)
        {
            throw CliException.Usage("Usage: /task analyze DESCRIPTION or /task research TOPIC.");
        }

        var submitted = kind == "analyze"
            ? await client.Tasks.AnalyzeAsync(text, cancellationToken: ct)
            : await client.Tasks.ResearchAsync(text, cancellationToken: ct);
        if (!context.Json)
        {
            Console.Out.WriteLine($"Task {submitted.TaskId}: {submitted.Status} (about {submitted.EstimatedDuration}).");
        }

        string? last = submitted.Status;
        var status = await client.Tasks.WaitAsync(submitted.TaskId, new InlineProgress<Client.TaskStatus>(s =>
        {
            if (s.Status != last && !context.Json)
            {
                Console.Out.WriteLine($"  status: {s.Status}");
            }

            last = s.Status;
        }), cancellationToken: ct);

        if (status.Status != "completed")
        {
            Emit(status, () => Console.Out.WriteLine($"Task {status.TaskId} {status.Status}: {status.Error}"));
            return;
        }

        var results = await client.Tasks.ResultsAsync(status.TaskId, ct);
        Emit(results, () =>
        {
            Console.Out.WriteLine($"Task {results.TaskId} completed: {results.Results?.Summary}");
            foreach (var insight in results.Results?.Insights ?? [])
            {
                Console.Out.WriteLine($"  - {insight}");
            }
        });
    }

    private void Emit<T>(T value, Action human)
    {
        if (context.Json)
        {
            context.WriteJson(value);
        }
        else
        {
            human();
        }
    }

    private static void Error(string message)
    {
        Console.Out.Flush();
        Console.Error.WriteLine("error: " + message);
    }

    private static Guid ParseId(string id)
        => Guid.TryParse(id, out var guid) ? guid : throw CliException.Usage($"'{id}' is not a session id (a UUID; /sessions lists yours).");
}

/// <summary>Reports on the caller's thread, in order (Progress{T} posts to the thread pool).</summary>
public sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
