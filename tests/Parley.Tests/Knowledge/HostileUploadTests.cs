using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Knowledge;

/// <summary>
/// Untrusted files get bounded work (issue 13): a hostile upload ends as a failed source with a
/// reason, the server keeps answering meanwhile, and ordinary uploads still ingest afterwards.
/// </summary>
public abstract class HostileUploadTests(ParleyApp app)
{
    [Fact]
    public async Task A_docx_nested_fifty_thousand_deep_fails_with_a_reason_and_the_server_stays_up()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var failed = await UploadAndSettleAsync(admin, "nested.docx", HostileFiles.DeeplyNested(50_000));

        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("nested more than", failed.GetProperty("error").GetString());
        Assert.Equal(0, failed.GetProperty("chunk_count").GetInt32());
        await StillIngestsAsync(admin);
    }

    [Fact]
    public async Task An_html_page_nested_a_hundred_thousand_deep_fails_with_a_reason_and_the_server_stays_up()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var html = "<html><body>" + string.Concat(Enumerable.Repeat("<div>", 100_000)) + "deep" + "</body></html>";
        var failed = await UploadAndSettleAsync(admin, "nested.html", System.Text.Encoding.UTF8.GetBytes(html));

        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("nested more than", failed.GetProperty("error").GetString());
        Assert.Equal(0, failed.GetProperty("chunk_count").GetInt32());
        await StillIngestsAsync(admin);
    }

    [Fact]
    public async Task A_zip_bomb_docx_fails_with_a_reason_the_source_reads_and_the_server_stays_up()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var bomb = HostileFiles.ZipBomb(1L << 30);
        Assert.True(bomb.Length < 8 * 1024 * 1024, $"the bomb should be a few MB, was {bomb.Length}");

        var failed = await UploadAndSettleAsync(admin, "bomb.docx", bomb);

        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("document too large", failed.GetProperty("error").GetString());
        Assert.Equal(0, failed.GetProperty("chunk_count").GetInt32());
        await StillIngestsAsync(admin);
    }

    /// <summary>Uploads, then follows the status (checking /health each time) until ready or failed; returns the full source.</summary>
    private static async Task<JsonElement> UploadAndSettleAsync(TestUser admin, string name, byte[] data)
    {
        var accepted = await Json.ReadAsync(await admin.Client.PostAsync("/api/v1/files/upload", Multipart(name, data)), 202);
        var statusUrl = accepted.GetProperty("status_url").GetString()!;
        // Generous: a count, not a clock, so a busy machine does not flake it (10 minutes at most).
        for (var i = 0; i < 6_000; i++)
        {
            Assert.Equal(200, (int)(await admin.Client.GetAsync("/health")).StatusCode);
            var status = await Json.ReadAsync(await admin.Client.GetAsync(statusUrl), 200);
            if (status.GetProperty("status").GetString() is "ready" or "failed")
            {
                Assert.Equal(200, (int)(await admin.Client.GetAsync("/health")).StatusCode);
                return await Json.ReadAsync(await admin.Client.GetAsync(statusUrl[..^"/status".Length]), 200);
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{name} was neither indexed nor failed.");
    }

    private static async Task StillIngestsAsync(TestUser admin)
    {
        var docx = HostileFiles.Ordinary("Returns", "Refunds for Quibblewick kettles are accepted within thirty days.");
        var ready = await KnowledgeWait.ReadyAsync(admin, await Json.ReadAsync(await admin.Client.PostAsync("/api/v1/files/upload", Multipart("returns.docx", docx)), 202));
        Assert.Equal(1, ready.GetProperty("chunk_count").GetInt32());
        var hit = (await Json.ReadAsync(await admin.Client.GetAsync("/api/v1/knowledge/search?q=quibblewick"), 200)).GetProperty("results")[0];
        Assert.Equal("Returns", hit.GetProperty("title").GetString());
    }

    private static MultipartFormDataContent Multipart(string name, byte[] data) => new() { { new ByteArrayContent(data), "file", name } };
}

public sealed class SqliteHostileUploadTests(SqliteApp app) : HostileUploadTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresHostileUploadTests(PostgresApp app) : HostileUploadTests(app), IClassFixture<PostgresApp>;
