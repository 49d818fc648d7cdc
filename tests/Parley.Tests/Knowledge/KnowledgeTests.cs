using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Knowledge;

/// <summary>Sources, ingestion, search and citations through the HTTP API, on each database engine.</summary>
public abstract class KnowledgeTests(ParleyApp app)
{
    private static readonly object Faq = new
    {
        name = "Trading Policy v2.1",
        type = "faq",
        metadata = new { category = "policies", author = "compliance_team", effective_date = "2024-01-01" },
        faqs = new[]
        {
            new { question = "What are your trading hours?", answer = "Standard market hours are 9:30 AM to 4:00 PM ET, Monday through Friday." },
            new { question = "How do I reset my password?", answer = "Use the forgot password link on the login page; a reset email arrives within minutes." },
            new { question = "What is the fee for wire transfers?", answer = "Outgoing wire transfers cost 25 dollars; incoming wires are free. Reference code WX-2041." },
        },
    };

    [Fact]
    public async Task An_faq_is_ingested_found_and_cited_with_the_same_ids_in_chat_and_storage()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var accepted = await CreateAsync(admin, Faq);
        Assert.Equal("queued", accepted.GetProperty("status").GetString());
        var ready = await KnowledgeWait.ReadyAsync(admin, accepted);
        Assert.Equal(3, ready.GetProperty("chunk_count").GetInt32());

        var search = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/knowledge/search?q=when%20are%20your%20trading%20hours&limit=2"), 200);
        var top = search.GetProperty("results")[0];
        Assert.Equal("What are your trading hours?", top.GetProperty("title").GetString());
        Assert.Equal("Trading Policy v2.1", top.GetProperty("source").GetString());
        Assert.True(top.GetProperty("confidence").GetDouble() >= 0.5);
        var citationId = top.GetProperty("id").GetString()!;
        Assert.Equal($"{accepted.GetProperty("id").GetGuid():N}:{top.GetProperty("chunk_id").GetGuid():N}", citationId);

        // Codes are kept whole: the reference finds its passage.
        var code = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/knowledge/search?q=WX-2041"), 200);
        Assert.Equal("What is the fee for wire transfers?", code.GetProperty("results")[0].GetProperty("title").GetString());

        var customer = await app.CreateUserAsync(admin, "user");
        var turn = await Json.ReadAsync(await customer.Client.PostAsJsonAsync("/api/v1/chat/process", new { message = "What are your trading hours?" }), 200);
        Assert.Contains("9:30 AM", turn.GetProperty("response").GetString());
        var cited = turn.GetProperty("citations")[0];
        Assert.Equal(citationId, cited.GetProperty("id").GetString());
        foreach (var field in new[] { "source", "title", "url", "excerpt", "confidence" })
        {
            Assert.True(cited.TryGetProperty(field, out _), field);
        }

        var stored = await customer.Client.GetStringAsync($"/api/v1/conversations/{turn.GetProperty("session_id").GetGuid()}");
        Assert.Contains(citationId, stored);
    }

    [Fact]
    public async Task Knowledge_is_tenant_isolated_and_only_admins_write()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var source = await KnowledgeWait.ReadyAsync(admin, await CreateAsync(admin, Faq));
        var id = source.GetProperty("id").GetGuid();

        var other = await app.CreateTenantWithAdminAsync();
        var search = await Json.ReadAsync(await other.Client.GetAsync("/api/v1/knowledge/search?q=trading%20hours"), 200);
        Assert.Equal(0, search.GetProperty("total").GetInt32());
        await Json.ReadErrorAsync(await other.Client.GetAsync($"/api/v1/knowledge/sources/{id}"), 404);
        await Json.ReadErrorAsync(await other.Client.PutAsJsonAsync($"/api/v1/knowledge/sources/{id}", new { content = "x" }), 404);
        await Json.ReadErrorAsync(await other.Client.DeleteAsync($"/api/v1/knowledge/sources/{id}"), 404);
        var list = await Json.ReadAsync(await other.Client.GetAsync("/api/v1/knowledge/sources"), 200);
        Assert.DoesNotContain(id.ToString(), list.GetRawText());

        var user = await app.CreateUserAsync(admin, "user");
        await Json.ReadErrorAsync(await user.Client.PostAsJsonAsync("/api/v1/knowledge/sources", Faq), 403);
        await Json.ReadErrorAsync(await user.Client.DeleteAsync($"/api/v1/knowledge/sources/{id}"), 403);
        await Json.ReadAsync(await user.Client.GetAsync($"/api/v1/knowledge/sources/{id}"), 200);
        var found = await Json.ReadAsync(await user.Client.GetAsync("/api/v1/knowledge/search?q=password%20reset"), 200);
        Assert.Equal("How do I reset my password?", found.GetProperty("results")[0].GetProperty("title").GetString());
        await Json.ReadErrorAsync(await app.Anonymous().GetAsync("/api/v1/knowledge/search?q=password"), 401);
    }

    [Fact]
    public async Task Updating_reindexes_and_deleting_removes_every_chunk()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var created = await CreateAsync(admin, new { name = "Shipping", type = "document", content = "Parcels ship with Zephyrcourier within two days.", metadata = new { category = "shipping" } });
        var id = (await KnowledgeWait.ReadyAsync(admin, created)).GetProperty("id").GetGuid();
        Assert.Equal(1, await CountAsync(admin, "zephyrcourier"));

        var updated = await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/knowledge/sources/{id}", new { content = "Parcels now ship with Quasarfreight overnight." }), 202);
        var ready = await KnowledgeWait.ReadyAsync(admin, updated);
        Assert.Equal(2, ready.GetProperty("version").GetInt32());
        Assert.Equal("shipping", ready.GetProperty("category").GetString());
        Assert.Equal(0, await CountAsync(admin, "zephyrcourier"));
        Assert.Equal(1, await CountAsync(admin, "quasarfreight"));

        var response = await admin.Client.DeleteAsync($"/api/v1/knowledge/sources/{id}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(0, await CountAsync(admin, "quasarfreight"));
        await Json.ReadErrorAsync(await admin.Client.GetAsync($"/api/v1/knowledge/sources/{id}"), 404);
        await Json.ReadErrorAsync(await admin.Client.DeleteAsync($"/api/v1/knowledge/sources/{Guid.NewGuid()}"), 404);
    }

    [Fact]
    public async Task Search_filters_by_category_metadata_and_confidence()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await KnowledgeWait.ReadyAsync(admin, await CreateAsync(admin, new { name = "Billing", type = "text", content = "Invoices are emailed monthly.", category = "billing", metadata = new { author = "finance" } }));
        await KnowledgeWait.ReadyAsync(admin, await CreateAsync(admin, new { name = "Support", type = "text", content = "Invoices questions go to the help desk.", metadata = new { category = "support", author = "ops" } }));
        Assert.Equal(2, await CountAsync(admin, "invoices"));
        var billing = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/knowledge/search?q=invoices&category=billing"), 200);
        Assert.Equal("Billing", billing.GetProperty("results").EnumerateArray().Single().GetProperty("source").GetString());
        var byAuthor = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/knowledge/search?q=invoices&filter[author]=ops"), 200);
        Assert.Equal("Support", byAuthor.GetProperty("results").EnumerateArray().Single().GetProperty("source").GetString());
        var strict = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/knowledge/search?q=invoices%20desk%20monthly%20zebra&confidence_threshold=0.99"), 200);
        Assert.Equal(0, strict.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_clear_errors()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources", new { type = "document", content = "x" }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources", new { name = "x", type = "spreadsheet", content = "x" }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources", new { name = "x", type = "faq", faqs = new[] { new { question = "q?" } } }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources", new { name = "x", type = "document", content = "x", metadata = "nope" }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources", new { name = "x", type = "url", url = "http://169.254.169.254/latest" }), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsync("/api/v1/knowledge/sources", new StringContent("{\"name\":", Encoding.UTF8, "application/json")), 400);
        await Json.ReadErrorAsync(await admin.Client.PostAsync("/api/v1/knowledge/sources", new StringContent("{\"name\":5}", Encoding.UTF8, "application/json")), 422);
        await Json.ReadErrorAsync(await admin.Client.GetAsync("/api/v1/knowledge/search"), 400);
        await Json.ReadErrorAsync(await admin.Client.GetAsync("/api/v1/knowledge/search?q=x&limit=0"), 400);
        await Json.ReadErrorAsync(await admin.Client.GetAsync("/api/v1/knowledge/search?q=x&confidence_threshold=2"), 400);
        var list = await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/knowledge/sources"), 200);
        Assert.Equal(0, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Uploads_are_checked_by_content_and_indexed()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var html = "<html><head><title>Returns</title><script>var secret='xyz';</script></head><body><h2>Refund window</h2><p>Refunds are accepted within 30 days.</p></body></html>";
        var uploaded = await Json.ReadAsync(await UploadAsync(admin, "returns.html", Encoding.UTF8.GetBytes(html), "policies", "{\"author\":\"ops\"}"), 202);
        var ready = await KnowledgeWait.ReadyAsync(admin, uploaded);
        Assert.Equal("file", ready.GetProperty("type").GetString());
        Assert.Equal("policies", ready.GetProperty("category").GetString());
        var hit = (await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/knowledge/search?q=refunds%20accepted"), 200)).GetProperty("results")[0];
        Assert.Equal("Refund window", hit.GetProperty("title").GetString());
        Assert.DoesNotContain("secret", hit.GetProperty("text").GetString());

        var csv = "product,warranty\nKettle,2 years\nToaster,1 year\n";
        await KnowledgeWait.ReadyAsync(admin, await Json.ReadAsync(await UploadAsync(admin, "warranty.csv", Encoding.UTF8.GetBytes(csv)), 202));
        Assert.Equal(1, await CountAsync(admin, "kettle warranty"));

        await Json.ReadErrorAsync(await UploadAsync(admin, "tool.txt", [0x4D, 0x5A, 0x90, 0x00, 0x03]), 415);
        await Json.ReadErrorAsync(await UploadAsync(admin, "run.sh", Encoding.UTF8.GetBytes("#!/bin/sh\nrm -rf /\n")), 415);
        await Json.ReadErrorAsync(await UploadAsync(admin, "report.pdf", Encoding.UTF8.GetBytes("just text")), 422);
        await Json.ReadErrorAsync(await UploadAsync(admin, "notes.txt", [0x00, 0x01, 0x02, 0xFF]), 422);
        await Json.ReadErrorAsync(await UploadAsync(admin, "logo.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A]), 415);
        await Json.ReadErrorAsync(await UploadAsync(admin, "a.txt", Encoding.UTF8.GetBytes("x"), metadata: "[1]"), 422);
        await Json.ReadErrorAsync(await admin.Client.PostAsJsonAsync("/api/v1/files/upload", new { file = "x" }), 415);
        var user = await app.CreateUserAsync(admin, "user");
        // Issue 19: the AI Assistant Platform and HeliosCS documents give uploads to every user; theirs stay private (RoleOwnershipTests).
        await Json.ReadAsync(await user.Client.PostAsync("/api/v1/files/upload", Multipart("a.txt", Encoding.UTF8.GetBytes("hello"), null, null)), 202);
    }

    [Fact]
    public async Task A_pdf_is_read_with_pdftotext_or_refused_with_503_when_it_is_missing()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var pdf = Encoding.ASCII.GetBytes(
            "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n" +
            "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj\n" +
            "4 0 obj << /Length 55 >> stream\nBT /F1 24 Tf 72 700 Td (Warranty covers Zorblax kettles) Tj ET\nendstream endobj\n" +
            "5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
        var installed = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, "pdftotext")));
        var response = await UploadAsync(admin, "warranty.pdf", pdf);
        if (!installed)
        {
            await Json.ReadErrorAsync(response, 503);
            return;
        }

        var ready = await KnowledgeWait.ReadyAsync(admin, await Json.ReadAsync(response, 202));
        Assert.Equal("application/pdf", ready.GetProperty("content_type").GetString());
        Assert.Equal(1, await CountAsync(admin, "zorblax"));
    }

    private static async Task<JsonElement> CreateAsync(TestUser admin, object body)
    {
        var response = await admin.Client.PostAsJsonAsync("/api/v1/knowledge/sources", body);
        var accepted = await Json.ReadAsync(response, 202);
        Assert.EndsWith("/status", response.Headers.Location!.ToString());
        return accepted;
    }

    private static async Task<int> CountAsync(TestUser user, string q)
        => (await Json.ReadAsync(await user.Client.GetAsync($"/api/v1/knowledge/search?q={Uri.EscapeDataString(q)}"), 200)).GetProperty("total").GetInt32();

    private static Task<HttpResponseMessage> UploadAsync(TestUser admin, string name, byte[] data, string? category = null, string? metadata = null)
        => admin.Client.PostAsync("/api/v1/files/upload", Multipart(name, data, category, metadata));

    private static MultipartFormDataContent Multipart(string name, byte[] data, string? category, string? metadata)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(data), "file", name } };
        if (category is not null)
        {
            form.Add(new StringContent(category), "category");
        }

        if (metadata is not null)
        {
            form.Add(new StringContent(metadata), "metadata");
        }

        return form;
    }
}

public static class KnowledgeWait
{
    /// <summary>
    /// Follows the status URL until the source is indexed (or failed) and its vectors are settled (filled in, failed
    /// or off: the tests that use this search by meaning too); returns the source.
    /// </summary>
    public static async Task<JsonElement> ReadyAsync(TestUser user, JsonElement accepted)
    {
        var statusUrl = accepted.GetProperty("status_url").GetString()!;
        var version = accepted.GetProperty("source").GetProperty("version").GetInt32();
        for (var i = 0; i < 600; i++)
        {
            var status = await Json.ReadAsync(await user.Client.GetAsync(statusUrl), 200);
            var vectorsSettled = status.GetProperty("embeddings").GetProperty("state").GetString() is "ready" or "failed" or "off";
            if (status.GetProperty("version").GetInt32() == version && (status.GetProperty("status").GetString() is "failed"
                || (status.GetProperty("status").GetString() is "ready" && vectorsSettled)))
            {
                Assert.Equal("ready", status.GetProperty("status").GetString());
                return await Json.ReadAsync(await user.Client.GetAsync(statusUrl[..^"/status".Length]), 200);
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The source was not indexed within 30 seconds.");
    }
}

public sealed class SqliteKnowledgeTests(SqliteApp app) : KnowledgeTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresKnowledgeTests(PostgresApp app) : KnowledgeTests(app), IClassFixture<PostgresApp>;
