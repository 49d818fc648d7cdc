using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Tasks;

public abstract class TasksTests(TaskApp app)
{
    [Fact]
    public async Task Analyze_computes_the_tenants_real_figures_and_raises_task_completed()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var first = await TaskSteps.ChatAsync(customer.Client, "I want a refund for my order");
        await TaskSteps.ChatAsync(customer.Client, "when will the money arrive?", first.GetProperty("session_id").GetGuid());
        await TaskSteps.ChatAsync(customer.Client, "hello, what are your opening hours?");

        var id = await TaskSteps.SubmitAsync(admin.Client, "/api/v1/tasks/analyze", new { description = "How are conversations going?", data_source = "conversations", parameters = new { days = 7 } });
        var status = await TaskSteps.WaitAsync(admin.Client, id);
        Assert.Equal("completed", status.GetProperty("status").GetString());
        Assert.True(status.GetProperty("result_available").GetBoolean());
        Assert.True(status.GetProperty("duration_seconds").GetDouble() >= 0);
        Assert.Equal(JsonValueKind.String, status.GetProperty("completed_at").ValueKind);

        var results = await Json.ReadAsync(await admin.Client.GetAsync($"/tasks/{id}/results"), 200);
        Assert.Equal("analysis", results.GetProperty("task_type").GetString());
        var r = results.GetProperty("results");
        var q = r.GetProperty("quantitative_results");
        Assert.Equal(2, q.GetProperty("total_conversations").GetInt64());
        Assert.Equal(6, q.GetProperty("total_messages").GetInt64());
        Assert.Equal(3, q.GetProperty("messages_by_type").GetProperty("user").GetInt64());
        Assert.Equal(3.0, q.GetProperty("messages_per_conversation").GetDouble());
        Assert.Equal(3, q.GetProperty("top_intents").EnumerateArray().Sum(i => i.GetProperty("count").GetInt64()));
        Assert.Contains(r.GetProperty("insights").EnumerateArray(), i => i.GetString()!.Contains("2 conversations", StringComparison.Ordinal));
        Assert.NotEmpty(r.GetProperty("recommendations").EnumerateArray());
        Assert.Equal("figures", r.GetProperty("generated_by").GetString());

        var completed = Assert.Single(app.Sink.Of(admin.TenantId, "task.completed"));
        Assert.Equal(admin.Id, completed.GetProperty("user_id").GetGuid());
        Assert.Equal("completed", completed.GetProperty("status").GetString());
        Assert.Equal(id, "task_" + completed.GetProperty("task_id").GetGuid());
    }

    [Fact]
    public async Task Analyze_an_uploaded_csv_counts_averages_rates_and_ranks()
    {
        var user = await app.RegisterAsync();
        var csv = new StringBuilder("date,channel,amount,resolved\n");
        var rows = new[] { ("2026-01-05", "web", 10.0, "yes"), ("2026-01-05", "email", 20.0, "no"), ("2026-01-06", "web", 30.0, "yes"), ("2026-01-07", "web", 40.0, "yes") };
        foreach (var (date, channel, amount, resolved) in rows)
        {
            csv.Append(System.FormattableString.Invariant($"{date},{channel},{amount},{resolved}\n"));
        }

        using var form = new MultipartFormDataContent
        {
            { new StringContent("Ticket export review"), "description" },
            { new StringContent("dataset"), "data_source" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(csv.ToString())), "file", "export.csv" },
        };
        var submitted = await Json.ReadAsync(await user.Client.PostAsync("/api/v1/tasks/analyze", form), 200);
        var id = submitted.GetProperty("task_id").GetString()!;
        Assert.Equal("completed", (await TaskSteps.WaitAsync(user.Client, id)).GetProperty("status").GetString());

        var r = (await Json.ReadAsync(await user.Client.GetAsync($"/api/v1/tasks/{id}/results"), 200)).GetProperty("results");
        var columns = r.GetProperty("quantitative_results").GetProperty("columns");
        Assert.Equal(4, r.GetProperty("quantitative_results").GetProperty("row_count").GetInt32());
        Assert.Equal(25.0, columns.GetProperty("amount").GetProperty("mean").GetDouble());
        Assert.Equal(100.0, columns.GetProperty("amount").GetProperty("sum").GetDouble());
        Assert.Equal(0.75, columns.GetProperty("resolved").GetProperty("rate").GetDouble());
        Assert.Equal("web", columns.GetProperty("channel").GetProperty("top_values")[0].GetProperty("value").GetString());
        Assert.Equal("date", columns.GetProperty("date").GetProperty("type").GetString());
        Assert.Contains(r.GetProperty("insights").EnumerateArray(), i => i.GetString()!.Contains("averages 25", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_broken_dataset_fails_the_task_with_its_reason_and_raises_task_failed()
    {
        var user = await app.RegisterAsync();
        var id = await TaskSteps.SubmitAsync(user.Client, "/api/v1/tasks/analyze", new { description = "Empty file", data_source = "dataset", dataset = "only,a,header\n" });
        var status = await TaskSteps.WaitAsync(user.Client, id);
        Assert.Equal("failed", status.GetProperty("status").GetString());
        Assert.Contains("no rows", status.GetProperty("error").GetString(), StringComparison.Ordinal);
        await Json.ReadErrorAsync(await user.Client.GetAsync($"/api/v1/tasks/{id}/results"), 409);
        var failed = Assert.Single(app.Sink.Of(user.TenantId, "task.failed"), e => "task_" + e.GetProperty("task_id").GetGuid() == id);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(failed.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Research_cites_the_knowledge_base_and_says_so_when_it_has_nothing()
    {
        var user = await app.RegisterAsync();
        var id = await TaskSteps.SubmitAsync(user.Client, "/api/v1/tasks/research", new { topic = "refund timelines", scope = "comprehensive", sources = new[] { "policy", "faq" } });
        Assert.Equal("completed", (await TaskSteps.WaitAsync(user.Client, id)).GetProperty("status").GetString());
        var results = await Json.ReadAsync(await user.Client.GetAsync($"/api/v1/tasks/{id}/results"), 200);
        Assert.Equal("research", results.GetProperty("task_type").GetString());
        var r = results.GetProperty("results");
        Assert.Equal(3, r.GetProperty("citations").GetArrayLength());
        Assert.True(r.GetProperty("quantitative_results").GetProperty("queries_run").GetInt32() >= 3);
        Assert.All(r.GetProperty("insights").EnumerateArray(), i => Assert.Matches(@"\[\d\]$", i.GetString()));
        Assert.Contains(r.GetProperty("citations").EnumerateArray(), c => c.GetProperty("title").GetString() == "Refund policy");

        var none = await TaskSteps.SubmitAsync(user.Client, "/api/v1/tasks/research", new { topic = "quantum teleportation" });
        await TaskSteps.WaitAsync(user.Client, none);
        var empty = (await Json.ReadAsync(await user.Client.GetAsync($"/api/v1/tasks/{none}/results"), 200)).GetProperty("results");
        Assert.Contains("nothing", empty.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, empty.GetProperty("citations").GetArrayLength());
        Assert.Equal(0, empty.GetProperty("insights").GetArrayLength());
    }

    [Fact]
    public async Task Bad_requests_wrong_roles_and_other_tenants_are_refused()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        // Issue 19: a customer analyses their own conversations (RoleOwnershipTests); the tenant's tickets stay staff-only.
        await Json.ReadErrorAsync(await customer.Client.PostAsJsonAsync("/api/v1/tasks/analyze", new { description = "all data", data_source = "tickets" }), 403);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/tasks/analyze", new { description = "x", data_source = "sales_database" }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/tasks/analyze", new { data_source = "conversations" }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/tasks/analyze", new { description = 5 }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsync("/api/v1/tasks/analyze", new StringContent("{\"description\":", Encoding.UTF8, "application/json")), 400);
        await Json.ReadErrorAsync(await admin.Client.PostAsync("/api/v1/tasks/analyze", new StringContent("description=x", Encoding.UTF8, "text/plain")), 415);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/tasks/research", new { topic = "" }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/tasks/research", new { topic = "x", sources = "web" }), 422);

        var id = await TaskSteps.SubmitAsync(admin.Client, "/api/v1/tasks/research", new { topic = "refunds" });
        var other = await app.CreateTenantWithAdminAsync();
        await Json.ReadErrorAsync(await other.Client.GetAsync($"/api/v1/tasks/{id}/status"), 404);
        await Json.ReadErrorAsync(await other.Client.GetAsync($"/api/v1/tasks/{id}/results"), 404);
        await Json.ReadErrorAsync(await other.Client.PostAsync($"/api/v1/tasks/{id}/cancel", null), 404);
        await Json.ReadErrorAsync(await customer.Client.GetAsync($"/api/v1/tasks/{id}/status"), 404);
        await Json.ReadErrorAsync(await admin.Client.GetAsync($"/api/v1/tasks/task_{Guid.NewGuid()}/status"), 404);
        await Json.ReadErrorAsync(await admin.Client.GetAsync("/api/v1/tasks/not-an-id/status"), 404);
        Assert.Equal(0, (await Json.ReadAsync(await other.Client.GetAsync("/api/v1/tasks"), 200)).GetProperty("total").GetInt64());
        var mine = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/tasks?filter[task_type]=research"), 200);
        Assert.Equal(id, Assert.Single(mine.GetProperty("items").EnumerateArray()).GetProperty("task_id").GetString());
        await Json.ReadErrorAsync(await admin.Client.GetAsync("/api/v1/tasks?filter[status]=sleeping"), 400);
    }
}

public sealed class SqliteTasksTests(TaskSqliteApp app) : TasksTests(app), IClassFixture<TaskSqliteApp>;

public sealed class PostgresTasksTests(TaskPostgresApp app) : TasksTests(app), IClassFixture<TaskPostgresApp>;
