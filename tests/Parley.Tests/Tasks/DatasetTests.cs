using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Tasks;

/// <summary>
/// The Three-Database Chatbot's analysis flow for the person it is written for: a signed-in user registers a named dataset
/// (<c>sales_database</c>), submits its exact request bodies, gets 200 as its client expects, and
/// reads back the metrics it shows, computed from the rows.
/// </summary>
public abstract class DatasetTests(TaskApp app)
{
    private sealed record Sale(string Id, DateTime Date, string Channel, double OrderValue, bool Converted);

    private static List<Sale> Sales() => Enumerable.Range(0, 40)
        .Select(i => new Sale($"T{i:0000}", new DateTime(2024, 9, 1).AddDays(i * 3), (i % 4) switch { 0 or 2 => "web", 1 => "mobile", _ => "email" },
            50 + (i * 37 % 200) + (0.25 * (i % 4)), i % 3 == 0))
        .ToList();

    private static string Csv(IEnumerable<Sale> sales)
    {
        var csv = new StringBuilder("transaction_id,date,channel,order_value,converted\n");
        foreach (var s in sales)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{s.Id},{s.Date:yyyy-MM-dd},{s.Channel},{s.OrderValue.ToString(CultureInfo.InvariantCulture)},{(s.Converted ? "yes" : "no")}\n");
        }

        return csv.ToString();
    }

    private static async Task<JsonElement> UploadAsync(HttpClient client, string name, string fileName, string content, int expected = 201)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(name), "name" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(content)), "file", fileName },
        };
        var response = await client.PostAsync("/api/v1/datasets", form);
        return expected < 400 ? await Json.ReadAsync(response, expected) : await Json.ReadErrorAsync(response, expected);
    }

    /// <summary>The document's Python client: <c>response.json() if response.status_code == 200 else None</c>.</summary>
    private static async Task<string> SubmitAs001Async(HttpClient client, string path, string json, string contentType = "application/json")
    {
        var response = await client.PostAsync(path, new StringContent(json, Encoding.UTF8, contentType));
        var submitted = await Json.ReadAsync(response, 200);
        Assert.Equal("submitted", submitted.GetProperty("status").GetString());
        Assert.Equal("Analysis task started successfully", submitted.GetProperty("message").GetString());
        return submitted.GetProperty("task_id").GetString()!;
    }

    [Fact]
    public async Task Document_001s_description_only_request_is_a_200_for_a_plain_user_as_json_and_as_curl_sends_it()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var user = await app.CreateUserAsync(admin);
        await TaskSteps.ChatAsync(user.Client, "I want a refund for my order");
        var json = await SubmitAs001Async(user.Client, "/tasks/analyze", """{"description": "Market analysis for 2025"}""");
        // curl -d without -H sends the JSON labelled application/x-www-form-urlencoded.
        var curl = await SubmitAs001Async(user.Client, "/tasks/analyze", """{"description": "Market analysis for 2025"}""", "application/x-www-form-urlencoded");
        foreach (var id in new[] { json, curl })
        {
            Assert.Equal("completed", (await TaskSteps.WaitAsync(user.Client, id)).GetProperty("status").GetString());
            var r = (await Json.ReadAsync(await user.Client.GetAsync($"/tasks/{id}/results"), 200)).GetProperty("results");
            Assert.Equal("Market analysis for 2025", (await Json.ReadAsync(await user.Client.GetAsync($"/tasks/{id}/status"), 200)).GetProperty("description").GetString());
            Assert.Equal("conversations", r.GetProperty("data_source").GetString());
            // A plain user's default is their own conversations: the one they had.
            Assert.Equal(1, r.GetProperty("quantitative_results").GetProperty("total_conversations").GetInt64());
        }

        var research = await user.Client.PostAsync("/tasks/research", new StringContent("""{"topic": "Latest trends in artificial intelligence", "scope": "comprehensive", "sources": ["academic", "industry", "news"]}""", Encoding.UTF8, "application/json"));
        await Json.ReadAsync(research, 200);
    }

    [Fact]
    public async Task A_registered_sales_database_is_analysed_with_001s_metrics_computed_from_its_rows()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var user = await app.CreateUserAsync(admin);
        var sales = Sales();
        var created = await UploadAsync(user.Client, "sales_database", "sales.csv", Csv(sales));
        Assert.Equal("sales_database", created.GetProperty("name").GetString());
        Assert.Equal(sales.Count, created.GetProperty("row_count").GetInt32());
        Assert.Equal("csv", created.GetProperty("format").GetString());

        var id = await SubmitAs001Async(user.Client, "/tasks/analyze", """
            {
              "description": "Analyze customer purchase patterns from Q4 2024",
              "data_source": "sales_database",
              "parameters": {
                "time_period": "Q4_2024",
                "metrics": ["conversion_rate", "avg_order_value", "churn_rate"]
              }
            }
            """);
        var status = await TaskSteps.WaitAsync(user.Client, id);
        Assert.Equal("completed", status.GetProperty("status").GetString());
        var r = (await Json.ReadAsync(await user.Client.GetAsync($"/tasks/{id}/results"), 200)).GetProperty("results");
        Assert.Equal("sales_database", r.GetProperty("data_source").GetString());
        var q = r.GetProperty("quantitative_results");

        var q4 = sales.Where(s => s.Date >= new DateTime(2024, 10, 1) && s.Date < new DateTime(2025, 1, 1)).ToList();
        Assert.Equal(q4.Count, q.GetProperty("total_transactions").GetInt64());
        Assert.Equal(Math.Round((double)q4.Count(s => s.Converted) / q4.Count, 4), q.GetProperty("conversion_rate").GetDouble());
        Assert.Equal(Math.Round(q4.Average(s => s.OrderValue), 2), q.GetProperty("avg_order_value").GetDouble());
        Assert.Contains("churn_rate", q.GetProperty("metrics_not_computed").GetProperty("churn_rate").GetString(), StringComparison.Ordinal);

        var orderValue = q.GetProperty("columns").GetProperty("order_value");
        Assert.Equal(q4.Max(s => s.OrderValue), orderValue.GetProperty("max").GetDouble());
        Assert.Equal(q4.Min(s => s.OrderValue), orderValue.GetProperty("min").GetDouble());
        Assert.True(orderValue.GetProperty("stddev").GetDouble() > 0);
        Assert.Equal("web", q.GetProperty("columns").GetProperty("channel").GetProperty("top_values")[0].GetProperty("value").GetString());

        var series = q.GetProperty("trends").GetProperty("series").EnumerateArray().ToList();
        Assert.Equal(["2024-10", "2024-11", "2024-12"], series.Select(s => s.GetProperty("period").GetString()));
        Assert.Equal(q4.Count(s => s.Date.Month == 11), series[1].GetProperty("transactions").GetInt64());
        Assert.Contains(r.GetProperty("insights").EnumerateArray(), i => i.GetString()!.Contains("2024-1", StringComparison.Ordinal));

        // With exactly one dataset registered, the document's description-only request analyses it.
        var plain = await SubmitAs001Async(user.Client, "/tasks/analyze", """{"description": "Market analysis for 2025"}""");
        Assert.Equal("completed", (await TaskSteps.WaitAsync(user.Client, plain)).GetProperty("status").GetString());
        var all = (await Json.ReadAsync(await user.Client.GetAsync($"/tasks/{plain}/results"), 200)).GetProperty("results");
        Assert.Equal("sales_database", all.GetProperty("data_source").GetString());
        Assert.Equal(sales.Count, all.GetProperty("quantitative_results").GetProperty("total_transactions").GetInt64());
    }

    [Fact]
    public async Task Datasets_are_listed_fetched_deleted_and_json_uploads_work_and_unknown_names_are_a_422_naming_the_existing_ones()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await UploadAsync(admin.Client, "sales_database", "sales.csv", Csv(Sales()));
        var regions = await UploadAsync(admin.Client, "regions", "regions.json", """[{"region": "north", "sales": 10}, {"region": "south", "sales": 30}, {"region": "north", "sales": 20}]""");
        Assert.Equal(3, regions.GetProperty("row_count").GetInt32());
        Assert.Equal("json", regions.GetProperty("format").GetString());
        await UploadAsync(admin.Client, "regions", "again.csv", "a,b\n1,2\n", 409);
        await UploadAsync(admin.Client, "bad name!", "x.csv", "a,b\n1,2\n", 422);
        await UploadAsync(admin.Client, "broken", "x.json", "[{", 422);

        var list = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/datasets"), 200);
        Assert.Equal(["regions", "sales_database"], list.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal("regions", (await Json.ReadAsync(await admin.Client.GetAsync($"/datasets/{regions.GetProperty("id").GetGuid()}"), 200)).GetProperty("name").GetString());

        var unknown = await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/tasks/analyze", new { description = "x", data_source = "crm_database" }), 422);
        var message = unknown.GetRawText();
        Assert.Contains("sales_database", message, StringComparison.Ordinal);
        Assert.Contains("regions", message, StringComparison.Ordinal);

        var id = await SubmitAs001Async(admin.Client, "/tasks/analyze", """{"description": "Regional sales", "data_source": "regions", "parameters": {"metrics": ["avg_order_value"]}}""");
        Assert.Equal("completed", (await TaskSteps.WaitAsync(admin.Client, id)).GetProperty("status").GetString());
        var q = (await Json.ReadAsync(await admin.Client.GetAsync($"/tasks/{id}/results"), 200)).GetProperty("results").GetProperty("quantitative_results");
        Assert.Equal(20.0, q.GetProperty("avg_order_value").GetDouble());
        Assert.Equal(3, q.GetProperty("total_transactions").GetInt64());

        Assert.Equal(204, (int)(await admin.Client.DeleteAsync("/api/v1/datasets/regions")).StatusCode);
        await Json.ReadErrorAsync(await admin.Client.GetAsync("/api/v1/datasets/regions"), 404);
    }

    [Fact]
    public async Task Another_tenant_can_neither_see_nor_analyse_nor_delete_a_dataset()
    {
        var owner = await app.CreateTenantWithAdminAsync();
        var created = await UploadAsync(owner.Client, "sales_database", "sales.csv", Csv(Sales()));
        var datasetId = created.GetProperty("id").GetGuid();
        var other = await app.CreateTenantWithAdminAsync();

        await Json.ReadErrorAsync(await other.Client.GetAsync("/api/v1/datasets/sales_database"), 404);
        await Json.ReadErrorAsync(await other.Client.GetAsync($"/api/v1/datasets/{datasetId}"), 404);
        await Json.ReadErrorAsync(await other.Client.DeleteAsync($"/api/v1/datasets/{datasetId}"), 404);
        Assert.Equal(0, (await Json.ReadAsync(await other.Client.GetAsync("/api/v1/datasets"), 200)).GetProperty("total").GetInt64());
        var refused = await Json.ReadErrorAsync(await other.Client.PostAsJsonAsync("/tasks/analyze", new { description = "x", data_source = "sales_database" }), 422);
        Assert.Equal("data_source", refused.GetProperty("error").GetProperty("details")[0].GetProperty("field").GetString());

        // The other tenant may use the same name for its own dataset.
        await UploadAsync(other.Client, "sales_database", "sales.csv", "a,b\n1,2\n");
        Assert.Equal(created.GetProperty("row_count").GetInt32(), (await Json.ReadAsync(await owner.Client.GetAsync("/api/v1/datasets/sales_database"), 200)).GetProperty("row_count").GetInt32());
    }
}

public sealed class SqliteDatasetTests(TaskSqliteApp app) : DatasetTests(app), IClassFixture<TaskSqliteApp>;

public sealed class PostgresDatasetTests(TaskPostgresApp app) : DatasetTests(app), IClassFixture<TaskPostgresApp>;
