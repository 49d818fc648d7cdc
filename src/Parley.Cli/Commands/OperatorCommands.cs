using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parley.Client;

namespace Parley.Cli.Commands;

/// <summary>
/// The operator's tables: tenants, users, api-keys, assistants, tickets, webhooks, tasks,
/// notifications. Create and update take <c>-f name=value</c> fields (a value that reads as JSON,
/// e.g. <c>true</c>, <c>3</c>, <c>["a"]</c>, is sent as JSON) or a whole <c>--data '{...}'</c> body,
/// so every field the API takes is reachable and the server's validation names any wrong one.
/// </summary>
public static class OperatorCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Group("tenants", "Tenants (platform admins).",
            List("List tenants.", (c, ct) => c.Tenants.ListAllAsync(cancellationToken: ct), "id", "name", "slug", "subscription_plan", "is_active", "created_at"),
            Show((c, id, ct) => c.Tenants.GetAsync(id, ct)),
            CreateWith("Create a tenant with its first admin: -f name=Acme -f 'admin={\"email\":...,\"username\":...,\"password\":...}'.", (c, body, ct) => c.Tenants.CreateAsync(body, ct)),
            Update((c, id, body, ct) => c.Tenants.UpdateAsync(id, body, ct)));

        yield return Group("users", "Users of your tenant (admins).",
            List("List users.", (c, ct) => c.Users.ListAllAsync(cancellationToken: ct), "id", "email", "username", "role", "is_active", "last_login_at"),
            Show((c, id, ct) => c.Users.GetAsync(id, ct)),
            CreateWith("Create a user: -f email=... -f username=... -f password=... -f role=agent.", (c, body, ct) => c.Users.CreateAsync(body, ct)),
            Update((c, id, body, ct) => c.Users.UpdateAsync(id, body, ct)),
            Delete((c, id, ct) => c.Users.DeleteAsync(id, ct)));

        yield return ApiKeys();

        yield return Group("assistants", "Assistants.",
            List("List assistants.", (c, ct) => c.Assistants.ListAllAsync(cancellationToken: ct), "id", "name", "model", "status", "is_default", "tools"),
            Show((c, id, ct) => c.Assistants.GetAsync(id, ct)),
            CreateWith("Create an assistant: -f name=... -f system_prompt=... -f 'tools=[\"knowledge_search\"]'.", (c, body, ct) => c.Assistants.CreateAsync(body, ct)),
            Update((c, id, body, ct) => c.Assistants.UpdateAsync(id, body, ct)),
            Delete((c, id, ct) => c.Assistants.DeleteAsync(id, ct)));

        yield return Group("tickets", "Tickets.",
            List("List tickets.", (c, ct) => c.Tickets.ListAllAsync(cancellationToken: ct), "id", "title", "status", "priority", "assignee_id", "updated_at"),
            Show((c, id, ct) => c.Tickets.GetAsync(id, ct)),
            CreateWith("Create a ticket: -f title=... -f description=... -f priority=high.", (c, body, ct) => c.Tickets.CreateAsync(body, ct)),
            Update((c, id, body, ct) => c.Tickets.UpdateAsync(id, body, ct)));

        yield return Webhooks();
        yield return Tasks();
        yield return Notifications();
    }

    // ---- building blocks ----

    private static Command Group(string name, string description, params Command[] subcommands)
    {
        var group = new Command(name, description);
        foreach (var sub in subcommands)
        {
            group.Subcommands.Add(sub);
        }

        return group;
    }

    private static Command List<T>(string description, Func<ParleyClient, CancellationToken, IAsyncEnumerable<T>> list, params string[] columns)
    {
        var command = new Command("list", description);
        command.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            context.WriteTable(await list(context.Client(), ct).ToListAsync(ct), columns);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show<T>(Func<ParleyClient, Guid, CancellationToken, Task<T>> get, string verb = "show")
    {
        var id = new Argument<Guid>("id");
        var command = new Command(verb, "Show one by id.") { id };
        command.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            context.WriteObject(await get(context.Client(), parse.GetValue(id), ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Delete(Func<ParleyClient, Guid, CancellationToken, Task> delete)
    {
        var id = new Argument<Guid>("id");
        var command = new Command("delete", "Delete one by id.") { id };
        command.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            await delete(context.Client(), parse.GetValue(id), ct);
            CliContext.Info("Deleted.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static readonly Option<string[]> FieldOption = new("--field", "-f") { Description = "name=value (repeatable).", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string?> DataOption = new("--data") { Description = "The whole JSON body." };

    private static Command CreateWith<T>(string description, Func<ParleyClient, JsonObject, CancellationToken, Task<T>> create)
    {
        var command = new Command("create", description) { FieldOption, DataOption };
        command.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            context.WriteObject(await create(context.Client(), Body(parse), ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Update<T>(Func<ParleyClient, Guid, JsonObject, CancellationToken, Task<T>> update)
    {
        var id = new Argument<Guid>("id");
        var command = new Command("update", "Change fields: -f name=value (repeatable) or --data '{...}'.") { id, FieldOption, DataOption };
        command.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            context.WriteObject(await update(context.Client(), parse.GetValue(id), Body(parse), ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The request body from --data and -f fields (fields win).</summary>
    public static JsonObject Body(ParseResult parse)
    {
        JsonObject body;
        try
        {
            body = parse.GetValue(DataOption) is { } data ? JsonNode.Parse(data) as JsonObject ?? throw CliException.Usage("--data must be a JSON object.") : [];
        }
        catch (JsonException e)
        {
            throw CliException.Usage("--data is not JSON: " + e.Message);
        }

        foreach (var field in parse.GetValue(FieldOption) ?? [])
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw CliException.Usage($"-f takes name=value, not '{field}'.");
            }

            body[field[..equals]] = Value(field[(equals + 1)..]);
        }

        if (body.Count == 0)
        {
            throw CliException.Usage("Give the fields with -f name=value or --data '{...}'.");
        }

        return body;
    }

    private static JsonNode? Value(string text)
    {
        if (text.Length > 0 && (text[0] is '{' or '[' or '"' || text is "true" or "false" or "null" || char.IsDigit(text[0]) || text[0] == '-'))
        {
            try
            {
                return JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // Not JSON after all (a phone number, a date): a string.
            }
        }

        return JsonValue.Create(text);
    }

    // ---- groups with their own verbs ----

    private static Command ApiKeys()
    {
        var all = new Option<bool>("--all") { Description = "Admins: every key of the tenant." };
        var list = new Command("list", "List API keys (never the keys themselves).") { all };
        list.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            var client = context.Client();
            var keys = new List<ApiKey>();
            for (var page = 1; ; page++)
            {
                var result = await client.ApiKeys.ListAsync(parse.GetValue(all), new ListQuery { Page = page, Size = 100 }, ct);
                keys.AddRange(result.Items);
                if (!result.HasNext)
                {
                    break;
                }
            }

            context.WriteTable(keys, "id", "name", "prefix", "role", "created_at", "expires_at", "last_used_at", "revoked_at");
            return ExitCodes.Ok;
        });

        var name = new Argument<string>("name");
        var role = new Option<string?>("--role") { Description = "Cap the key at this role (user, agent, admin)." };
        var days = new Option<int?>("--expires-in-days");
        var create = new Command("create", "Create an API key; the key is shown once.") { name, role, days };
        create.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            var key = await context.Client().ApiKeys.CreateAsync(parse.GetValue(name)!, parse.GetValue(role), parse.GetValue(days), ct);
            context.WriteObject(key, "id", "name", "role", "expires_at", "key");
            if (!context.Json)
            {
                CliContext.Info("Keep the key now: it is not shown again.");
            }

            return ExitCodes.Ok;
        });

        var id = new Argument<Guid>("id");
        var revoke = new Command("revoke", "Revoke an API key.") { id };
        revoke.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            await context.Client().ApiKeys.RevokeAsync(parse.GetValue(id), ct);
            CliContext.Info("Revoked.");
            return ExitCodes.Ok;
        });
        return Group("api-keys", "API keys.", list, create, revoke);
    }

    private static Command Webhooks()
    {
        var id = new Argument<Guid>("id");
        var deliveries = new Command("deliveries", "The delivery log of a webhook: attempts and responses.") { id };
        deliveries.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            var page = await context.Client().Webhooks.DeliveriesAsync(parse.GetValue(id), new ListQuery { Size = 100 }, ct);
            context.WriteTable(page.Items, "id", "event", "status", "attempts", "response_code", "error", "created_at");
            return ExitCodes.Ok;
        });
        return Group("webhooks", "Outgoing webhooks.",
            List("List webhooks.", (c, ct) => c.Webhooks.ListAllAsync(cancellationToken: ct), "id", "url", "events", "status", "circuit", "created_at"),
            Show((c, i, ct) => c.Webhooks.GetAsync(i, ct)),
            CreateWith("Create a webhook: -f url=https://... -f 'events=[\"ticket.created\"]' (the secret is shown once).", (c, body, ct) => c.Webhooks.CreateAsync(body, ct)),
            Update((c, i, body, ct) => c.Webhooks.UpdateAsync(i, body, ct)),
            Delete((c, i, ct) => c.Webhooks.DeleteAsync(i, ct)),
            deliveries);
    }

    private static Command Tasks()
    {
        var list = new Command("list", "List background tasks.");
        list.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            context.WriteTable(await context.Client().Tasks.ListAllAsync(cancellationToken: ct).ToListAsync(ct), "task_id", "task_type", "status", "description", "created_at", "completed_at");
            return ExitCodes.Ok;
        });

        var id = new Argument<string>("task-id");
        var show = new Command("show", "A task's status, and its results when completed.") { id };
        show.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            var client = context.Client();
            var status = await client.Tasks.StatusAsync(parse.GetValue(id)!, ct);
            if (status.ResultAvailable)
            {
                context.WriteObject(await client.Tasks.ResultsAsync(status.TaskId, ct));
            }
            else
            {
                context.WriteObject(status, "task_id", "task_type", "status", "description", "created_at", "completed_at", "error");
            }

            return ExitCodes.Ok;
        });

        var cancelId = new Argument<string>("task-id");
        var cancel = new Command("cancel", "Cancel a task that has not finished.") { cancelId };
        cancel.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            context.WriteObject(await context.Client().Tasks.CancelAsync(parse.GetValue(cancelId)!, ct), "task_id", "status");
            return ExitCodes.Ok;
        });

        var description = new Argument<string>("description");
        var source = new Option<string?>("--data-source") { Description = "conversations, tickets, or a registered dataset's name." };
        var analyze = new Command("analyze", "Submit an analysis task.") { description, source };
        analyze.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            context.WriteObject(await context.Client().Tasks.AnalyzeAsync(parse.GetValue(description)!, parse.GetValue(source), cancellationToken: ct));
            return ExitCodes.Ok;
        });

        var topic = new Argument<string>("topic");
        var research = new Command("research", "Submit a research task.") { topic };
        research.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            context.WriteObject(await context.Client().Tasks.ResearchAsync(parse.GetValue(topic)!, cancellationToken: ct));
            return ExitCodes.Ok;
        });
        return Group("tasks", "Background tasks (analysis, research).", list, show, analyze, research, cancel);
    }

    private static Command Notifications()
    {
        var list = new Command("list", "Your notifications, newest first.");
        list.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            var result = await context.Client().Notifications.ListAsync(limit: 100, cancellationToken: ct);
            context.WriteTable(result.Notifications, "id", "type", "title", "message", "read", "created_at");
            return ExitCodes.Ok;
        });
        var read = new Command("read", "Mark every notification read.");
        read.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            var marked = await context.Client().Notifications.MarkReadAsync(cancellationToken: ct);
            context.WriteObject(marked);
            return ExitCodes.Ok;
        });
        return Group("notifications", "Notifications.", list, read);
    }
}
