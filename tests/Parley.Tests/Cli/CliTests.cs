using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Cli;

/// <summary>
/// The real <c>parley</c> process against a real Parley on a local port: login and logout, the chat
/// REPL fed through stdin, the Three-Database Chatbot's continuity stories, knowledge add, errors and exit codes.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CliTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private static async Task<CliRun> LoginAsync(ParleyCli cli, TestUser user)
    {
        var run = await cli.RunWithInputAsync($"{user.Email}\n{user.Password}\n", "login");
        Assert.True(run.ExitCode == 0, run.ToString());
        return run;
    }

    private static void NoStackTrace(CliRun run)
    {
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Stderr, StringComparison.Ordinal);
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Login_keeps_the_credentials_private_and_logout_ends_the_session_on_the_server()
    {
        var user = await app.RegisterAsync();
        using var cli = new ParleyCli(app.BaseAddress);
        var login = await LoginAsync(cli, user);
        Assert.Contains($"Logged in to {cli.Server} as {user.Email}", login.Stdout, StringComparison.Ordinal);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.ConfigFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(cli.ConfigDir));
        var config = JsonDocument.Parse(File.ReadAllText(cli.ConfigFile)).RootElement;
        var refresh = config.GetProperty("refresh_token").GetString()!;
        Assert.DoesNotContain(user.Password, File.ReadAllText(cli.ConfigFile), StringComparison.Ordinal);

        var me = await cli.RunAsync("whoami", "--json");
        Assert.Equal(0, me.ExitCode);
        Assert.Equal(user.Id, me.JsonLines.Single().GetProperty("id").GetGuid());

        var logout = await cli.RunAsync("logout");
        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.False(JsonDocument.Parse(File.ReadAllText(cli.ConfigFile)).RootElement.TryGetProperty("refresh_token", out _));
        var refused = await app.Anonymous().PostAsJsonAsync("/api/v1/auth/refresh", new { refresh_token = refresh });
        Assert.Equal(401, (int)refused.StatusCode);

        var after = await cli.RunAsync("whoami");
        Assert.Equal(3, after.ExitCode);
        Assert.Contains("parley login", after.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_with_an_api_key()
    {
        var user = await app.RegisterAsync();
        var key = (await Json.ReadAsync(await user.Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "cli" }), 201)).GetProperty("key").GetString()!;
        using var cli = new ParleyCli(app.BaseAddress);
        var login = await cli.RunAsync("login", "--api-key", key);
        Assert.True(login.ExitCode == 0, login.ToString());
        var me = await cli.RunAsync("whoami", "--json");
        Assert.Equal(user.Email, me.JsonLines.Single().GetProperty("email").GetString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.ConfigFile));
    }

    [Fact]
    public async Task An_expired_access_token_is_refreshed_silently_and_an_ended_login_exits_3()
    {
        var user = await app.RegisterAsync();
        using var cli = new ParleyCli(app.BaseAddress);
        Directory.CreateDirectory(cli.ConfigDir);
        File.WriteAllText(cli.ConfigFile, JsonSerializer.Serialize(new { server = cli.Server, access_token = "expired", refresh_token = user.RefreshToken, email = user.Email }));

        var me = await cli.RunAsync("whoami", "--json");
        Assert.True(me.ExitCode == 0, me.ToString());
        var saved = JsonDocument.Parse(File.ReadAllText(cli.ConfigFile)).RootElement;
        Assert.NotEqual(user.RefreshToken, saved.GetProperty("refresh_token").GetString());
        Assert.NotEqual("expired", saved.GetProperty("access_token").GetString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.ConfigFile));

        // The original refresh token is spent: presenting it again ends the session everywhere.
        File.WriteAllText(cli.ConfigFile, JsonSerializer.Serialize(new { server = cli.Server, access_token = "expired", refresh_token = user.RefreshToken }));
        var ended = await cli.RunAsync("whoami");
        Assert.Equal(3, ended.ExitCode);
        Assert.Contains("expired", ended.Stderr, StringComparison.Ordinal);
        NoStackTrace(ended);
    }

    [Fact]
    public async Task Errors_are_one_line_with_their_exit_codes()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var user = await app.CreateUserAsync(admin);
        using var cli = new ParleyCli(app.BaseAddress);

        var notLoggedIn = await cli.RunAsync("tickets", "list");
        Assert.Equal(3, notLoggedIn.ExitCode);
        NoStackTrace(notLoggedIn);

        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var unreachable = await cli.RunAsync("status", "--server", $"http://127.0.0.1:{port}");
            Assert.Equal(1, unreachable.ExitCode);
            Assert.Contains("Cannot reach the Parley server", unreachable.Stderr, StringComparison.Ordinal);
            NoStackTrace(unreachable);
        }

        var wrong = await cli.RunWithInputAsync($"{user.Email}\nnot-the-password\n", "login");
        Assert.Equal(1, wrong.ExitCode);
        NoStackTrace(wrong);

        await LoginAsync(cli, user);
        var forbidden = await cli.RunAsync("users", "list");
        Assert.Equal(1, forbidden.ExitCode);
        Assert.Contains("403 AUTHORIZATION_ERROR", forbidden.Stderr, StringComparison.Ordinal);
        NoStackTrace(forbidden);

        var missing = await cli.RunAsync("tickets", "show", Guid.NewGuid().ToString());
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("404 NOT_FOUND", missing.Stderr, StringComparison.Ordinal);
        NoStackTrace(missing);

        var invalid = await cli.RunAsync("tickets", "create", "-f", "description=no title");
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("title:", invalid.Stderr, StringComparison.Ordinal);
        Assert.Contains("422 VALIDATION_ERROR", invalid.Stderr, StringComparison.Ordinal);
        NoStackTrace(invalid);

        Assert.Equal(2, (await cli.RunAsync("tickets", "show", "not-a-guid")).ExitCode);
        Assert.Equal(2, (await cli.RunAsync("chat", "--no-such-option")).ExitCode);
        Assert.Equal(2, (await cli.RunAsync("no-such-command")).ExitCode);
        Assert.Equal(2, (await cli.RunAsync("tickets", "create")).ExitCode);

        // Failed logins are throttled per account (5 per window): the sixth is a 429 that says when to retry.
        var victim = await app.CreateUserAsync(admin);
        CliRun throttled = null!;
        for (var i = 0; i < 6; i++)
        {
            throttled = await cli.RunWithInputAsync($"{victim.Email}\nwrong-password-{i}\n", "login");
        }

        Assert.Equal(1, throttled.ExitCode);
        Assert.Contains("429 RATE_LIMIT_EXCEEDED", throttled.Stderr, StringComparison.Ordinal);
        Assert.Matches(@"Retry in \d+ s\.", throttled.Stderr);
        NoStackTrace(throttled);
    }

    [Fact]
    public async Task Status_shows_health_version_and_schema_version_without_login()
    {
        using var cli = new ParleyCli(app.BaseAddress);
        var run = await cli.RunAsync("status", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var status = run.JsonLines.Single();
        Assert.Equal("healthy", status.GetProperty("status").GetString());
        Assert.Equal("0.1.0", status.GetProperty("version").GetString());
        Assert.Equal("sqlite", status.GetProperty("database").GetString(), ignoreCase: true);
        Assert.True(int.Parse(status.GetProperty("schema_version").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 0);

        var human = await cli.RunAsync("status");
        Assert.Contains("schema_version:", human.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_repl_answers_each_piped_line_and_runs_every_slash_command()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources", new
        {
            name = "Returns policy",
            type = "faq",
            faqs = new[] { new { question = "How do I return an item?", answer = "Items can be returned within 30 days of delivery from Orders > Return item." } },
        }), 202);
        var user = await app.CreateUserAsync(admin);
        await WaitForReadySourcesAsync(admin);
        using var cli = new ParleyCli(app.BaseAddress);
        await LoginAsync(cli, user);

        var script = string.Join('\n',
            "How do I return an item?",
            "/session-stats",
            "/history",
            "/help",
            "/notifications",
            "/task analyze Summarise my conversations",
            "/task research return policy",
            "/notifications",
            "/notifications read",
            "/sessions",
            "/bogus",
            "/switch not-a-uuid",
            "/new",
            "Hello again",
            "/session-stats",
            "/quit",
            "This line is never sent") + "\n";
        var run = await cli.RunWithInputAsync(script, "chat", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.JsonLines;

        var turn = lines[0];
        Assert.Contains("30 days", turn.GetProperty("response").GetString(), StringComparison.Ordinal);
        Assert.Equal("Returns policy", turn.GetProperty("citations")[0].GetProperty("source").GetString());
        var session = turn.GetProperty("session_id").GetGuid();

        var stats = lines[1];
        Assert.Equal(session, stats.GetProperty("session_id").GetGuid());
        Assert.Equal(2, stats.GetProperty("message_count").GetInt32());
        Assert.False(string.IsNullOrEmpty(stats.GetProperty("engine").GetString()));
        Assert.Equal("free", stats.GetProperty("plan").GetString());
        Assert.True(stats.GetProperty("messages_this_month").GetInt64() >= 1);
        Assert.True(stats.TryGetProperty("quota_remaining", out _));

        Assert.Equal(2, lines[2].GetProperty("total_messages").GetInt32());
        Assert.Contains(lines[3].GetProperty("commands").EnumerateArray(), c => c.GetString()!.StartsWith("/session-stats", StringComparison.Ordinal));
        Assert.Equal(0, lines[4].GetProperty("unread_count").GetInt32());

        var analysis = lines[5];
        Assert.Equal("completed", analysis.GetProperty("status").GetString());
        Assert.Equal("analysis", analysis.GetProperty("task_type").GetString());
        Assert.False(string.IsNullOrEmpty(analysis.GetProperty("results").GetProperty("summary").GetString()));
        var research = lines[6];
        Assert.Equal("completed", research.GetProperty("status").GetString());
        Assert.Equal("research", research.GetProperty("task_type").GetString());

        // Both finished tasks notified their owner; "read" marks them.
        Assert.Equal(2, lines[7].GetProperty("unread_count").GetInt32());
        Assert.Equal(2, lines[8].GetProperty("marked_read").GetInt32());
        Assert.Contains(lines[9].EnumerateArray(), s => s.GetProperty("id").GetGuid() == session && s.GetProperty("current").GetBoolean());

        // /bogus and /switch with a bad id are reported on stderr and the REPL goes on.
        Assert.Contains("Unknown command /bogus", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("is not a session id", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("New session.", lines[10].GetProperty("message").GetString());
        var second = lines[11].GetProperty("session_id").GetGuid();
        Assert.NotEqual(session, second);
        Assert.Equal(second, lines[12].GetProperty("session_id").GetGuid());
        Assert.Equal(13, lines.Count);

        // /switch back to the first session, in the human format: streamed answer, footnotes, --verbose details.
        var human = await cli.RunWithInputAsync($"/switch {session}\n/history\nHow do I return an item?\n", "chat", "--verbose");
        Assert.True(human.ExitCode == 0, human.ToString());
        Assert.Contains($"Switched to {session}", human.Stdout, StringComparison.Ordinal);
        Assert.Contains("user: How do I return an item?", human.Stdout, StringComparison.Ordinal);
        Assert.Contains("[1] Returns policy: How do I return an item?", human.Stdout, StringComparison.Ordinal);
        Assert.Contains("intent: ", human.Stdout, StringComparison.Ordinal);
        Assert.Contains("confidence: ", human.Stdout, StringComparison.Ordinal);
        var history = await Json.ReadAsync(await user.Client.GetAsync($"/api/v1/chat/history/{session}"), 200);
        Assert.Equal(4, history.GetProperty("total_messages").GetInt32());
    }

    [Fact]
    public async Task Continuity_start_in_the_cli_and_continue_over_the_api()
    {
        var user = await app.RegisterAsync();
        using var cli = new ParleyCli(app.BaseAddress);
        await LoginAsync(cli, user);
        var run = await cli.RunWithInputAsync("I would like to analyze my orders\n/session-stats\n", "chat", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var sessionId = run.JsonLines[1].GetProperty("session_id").GetString()!;

        // The Three-Database Chatbot document: curl -X POST /chat/message -d '{"message": "...", "session_id": "CLI_SESSION_ID"}'
        var turn = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/chat/message", new { message = "What was my last analysis about?", session_id = sessionId }), 200);
        Assert.Equal(sessionId, turn.GetProperty("session_id").GetString());
        var history = await Json.ReadAsync(await user.Client.GetAsync($"/chat/history/{sessionId}"), 200);
        Assert.Equal(4, history.GetProperty("total_messages").GetInt32());
        Assert.Equal("I would like to analyze my orders", history.GetProperty("messages")[0].GetProperty("message").GetString());

        // ...and back in the CLI, the session shows the API's turn.
        var back = await cli.RunWithInputAsync("/history\n", "chat", "--session", sessionId);
        Assert.Contains("What was my last analysis about?", back.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Continuity_submit_a_task_over_the_api_and_see_it_done_in_cli_notifications()
    {
        var user = await app.RegisterAsync();
        var submitted = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/tasks/analyze", new { description = "Market analysis for 2025" }), 200);
        var taskId = submitted.GetProperty("task_id").GetString()!;
        var id = submitted.GetProperty("id").GetString()!;
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while ((await Json.ReadAsync(await user.Client.GetAsync($"/tasks/{taskId}/status", timeout.Token), 200)).GetProperty("status").GetString() != "completed")
            {
                await Task.Delay(200, timeout.Token);
            }
        }

        using var cli = new ParleyCli(app.BaseAddress);
        await LoginAsync(cli, user);
        var run = await cli.RunWithInputAsync("/notifications\n", "chat", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var list = run.JsonLines.Single();
        var notification = Assert.Single(list.GetProperty("notifications").EnumerateArray());
        Assert.Equal(id, notification.GetProperty("data").GetProperty("task_id").GetString());
        Assert.False(notification.GetProperty("read").GetBoolean());

        var human = await cli.RunWithInputAsync("/notifications\n", "chat");
        Assert.Contains("1 unread of 1.", human.Stdout, StringComparison.Ordinal);
        Assert.Contains("Task complete", human.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Knowledge_add_of_a_folder_uploads_every_file_and_waits_until_ready()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        using var cli = new ParleyCli(app.BaseAddress);
        await LoginAsync(cli, admin);
        var folder = Directory.CreateTempSubdirectory("parley-cli-docs-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "shipping.txt"), "Parcels to Iceland travel by sea freight and arrive within twelve working days.");
            File.WriteAllText(Path.Combine(folder, "warranty.md"), "# Warranty\n\nEvery kettle carries a three year warranty against limescale damage.");
            Directory.CreateDirectory(Path.Combine(folder, "more"));
            File.WriteAllText(Path.Combine(folder, "more", "payments.txt"), "We accept payment by bank transfer, card and invoice for business customers.");
            File.WriteAllText(Path.Combine(folder, ".hidden"), "never uploaded");

            var flat = await cli.RunAsync("knowledge", "add", folder, "--json", "--no-wait");
            Assert.True(flat.ExitCode == 0, flat.ToString());
            Assert.Equal(2, flat.JsonLines.Single().GetArrayLength());

            var run = await cli.RunAsync("knowledge", "add", folder, "--recursive", "--category", "docs");
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("3 files: 3 ready, 0 failed", run.Stdout, StringComparison.Ordinal);
            Assert.Contains("indexed 3/3", run.Stdout, StringComparison.Ordinal);

            var list = await cli.RunAsync("knowledge", "list", "--json");
            var sources = list.JsonLines.Single().EnumerateArray().ToList();
            Assert.Equal(5, sources.Count);
            Assert.Equal(3, sources.Count(s => s.TryGetProperty("category", out var c) && c.GetString() == "docs" && s.GetProperty("status").GetString() == "ready"));

            var search = await cli.RunAsync("knowledge", "search", "Iceland sea freight", "--json");
            Assert.True(search.ExitCode == 0, search.ToString());
            Assert.Contains("Iceland", search.JsonLines.Single().GetProperty("results")[0].GetProperty("text").GetString(), StringComparison.Ordinal);

            var missing = await cli.RunAsync("knowledge", "add", Path.Combine(folder, "nope.txt"));
            Assert.Equal(2, missing.ExitCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Operator_tables_list_create_and_delete()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        using var cli = new ParleyCli(app.BaseAddress);
        await LoginAsync(cli, admin);

        var name = $"agent-{Guid.NewGuid():N}"[..16];
        var created = await cli.RunAsync("users", "create", "-f", $"email={name}@example.com", "-f", $"username={name}", "-f", "password=Agent-pass-123", "-f", "role=agent", "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        var id = created.JsonLines.Single().GetProperty("id").GetGuid();

        var table = await cli.RunAsync("users", "list");
        Assert.Contains(name, table.Stdout, StringComparison.Ordinal);
        Assert.Contains("agent", table.Stdout, StringComparison.Ordinal);

        var key = await cli.RunAsync("api-keys", "create", "deploy", "--json");
        Assert.StartsWith("prk_", key.JsonLines.Single().GetProperty("key").GetString(), StringComparison.Ordinal);
        var keys = await cli.RunAsync("api-keys", "list", "--json");
        Assert.All(keys.JsonLines.Single().EnumerateArray(), k => Assert.False(k.TryGetProperty("key", out var v) && v.ValueKind == JsonValueKind.String));

        var ticket = await cli.RunAsync("tickets", "create", "-f", "title=Printer on fire", "-f", "priority=high", "--json");
        var ticketId = ticket.JsonLines.Single().GetProperty("id").GetGuid();
        var updated = await cli.RunAsync("tickets", "update", ticketId.ToString(), "-f", "status=pending", "--json");
        Assert.True(updated.ExitCode == 0, updated.ToString());
        Assert.Equal("pending", updated.JsonLines.Single().GetProperty("status").GetString());

        Assert.Equal(0, (await cli.RunAsync("users", "delete", id.ToString())).ExitCode);
        Assert.Equal(1, (await cli.RunAsync("users", "show", id.ToString())).ExitCode);
    }

    private static async Task WaitForReadySourcesAsync(TestUser admin)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var list = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/knowledge/sources", timeout.Token), 200);
            if (list.GetProperty("items").EnumerateArray().All(s => s.GetProperty("status").GetString() == "ready"))
            {
                return;
            }

            await Task.Delay(100, timeout.Token);
        }
    }
}
