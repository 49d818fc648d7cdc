using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Widget;

/// <summary>
/// Issue 14: a visitor attaches files to its conversation when the channel allows it; agents see the
/// message and download the file; nobody else can; refused files never leave a half-written record.
/// </summary>
public abstract class WidgetAttachmentTests(ParleyApp app)
{
    // A 1x1 PNG.
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=");

    public static MultipartFormDataContent File(byte[] data, string name, string contentType = "application/octet-stream")
    {
        var part = new ByteArrayContent(data);
        part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { part, "file", name } };
    }

    private static string Attachments(TestChannel channel, Guid conversation) => $"/api/v1/widget/{channel.WebsiteToken}/conversations/{conversation}/attachments";

    [Fact]
    public async Task A_visitor_attaches_a_file_the_agent_sees_and_downloads_and_no_one_else_can()
    {
        var admin = await app.CreateTenantWithAdminAsync("Attach");
        var agent = await app.CreateUserAsync(admin, "agent");
        var channel = await WidgetKit.CreateChannelAsync(admin, extra: new { allow_attachments = true });
        var visitor = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken);
        var id = await WidgetKit.StartConversationAsync(visitor, channel.WebsiteToken);

        var (socket, _) = await WidgetKit.ConnectAsync(app, $"/api/v1/ws/chat/{id}", agent.AccessToken, WidgetKit.HostOrigin);
        using (socket)
        {
            await WidgetKit.ReceiveAsync(socket!, "connection_established");
            var created = await Json.ReadAsync(await visitor.Client.PostAsync(Attachments(channel, id), File(Png, "screenshot.png", "image/png")), 201);
            Assert.Equal("screenshot.png", created.GetProperty("file_name").GetString());
            Assert.Equal("image/png", created.GetProperty("content_type").GetString());
            Assert.Equal(Png.Length, created.GetProperty("size_bytes").GetInt64());
            var attachmentId = created.GetProperty("id").GetGuid();

            // The agent's open conversation socket receives the message as it is stored.
            var live = await WidgetKit.ReceiveAsync(socket!, "message", e => e.GetProperty("message_type").GetString() == "user");
            Assert.Equal(attachmentId, live.GetProperty("message").GetProperty("metadata").GetProperty("attachments")[0].GetProperty("id").GetGuid());

            var messages = await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/conversations/{id}/messages"), 200);
            var message = Assert.Single(messages.GetProperty("items").EnumerateArray());
            Assert.Equal("user", message.GetProperty("message_type").GetString());
            var reference = Assert.Single(message.GetProperty("metadata").GetProperty("attachments").EnumerateArray());
            Assert.Equal(attachmentId, reference.GetProperty("id").GetGuid());
            var url = reference.GetProperty("url").GetString()!;

            var download = await agent.Client.GetAsync(url);
            Assert.Equal(200, (int)download.StatusCode);
            Assert.Equal(Png, await download.Content.ReadAsByteArrayAsync());
            Assert.Equal("image/png", download.Content.Headers.ContentType!.MediaType);
            Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
            Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        }

        // The visitor downloads its own through the widget route; the staff route refuses a visitor token.
        var own = await visitor.Client.GetAsync($"{Attachments(channel, id)}/{await FirstAttachmentAsync(agent, id)}");
        Assert.Equal(Png, await own.Content.ReadAsByteArrayAsync());
        var attachment = await FirstAttachmentAsync(agent, id);
        await Json.ReadErrorAsync(await visitor.Client.GetAsync($"/api/v1/conversations/{id}/attachments/{attachment}"), 403);

        // Another visitor, a customer of the tenant, another tenant's admin: 404.
        var stranger = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken);
        await Json.ReadErrorAsync(await stranger.Client.GetAsync($"{Attachments(channel, id)}/{attachment}"), 404);
        await Json.ReadErrorAsync(await stranger.Client.PostAsync(Attachments(channel, id), File(Png, "x.png")), 404);
        var customer = await app.CreateUserAsync(admin);
        await Json.ReadErrorAsync(await customer.Client.GetAsync($"/api/v1/conversations/{id}/attachments/{attachment}"), 404);
        var other = await app.CreateTenantWithAdminAsync("Attach other");
        await Json.ReadErrorAsync(await other.Client.GetAsync($"/api/v1/conversations/{id}/attachments/{attachment}"), 404);
        await Json.ReadErrorAsync(await agent.Client.GetAsync($"/api/v1/conversations/{id}/attachments/{Guid.NewGuid()}"), 404);
    }

    private static async Task<Guid> FirstAttachmentAsync(TestUser agent, Guid conversation)
    {
        var messages = await Json.ReadAsync(await agent.Client.GetAsync($"/api/v1/conversations/{conversation}/messages"), 200);
        return messages.GetProperty("items").EnumerateArray().First().GetProperty("metadata").GetProperty("attachments")[0].GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task A_channel_without_attachments_refuses_them_whatever_the_client_sends()
    {
        var admin = await app.CreateTenantWithAdminAsync("No attach");
        var channel = await WidgetKit.CreateChannelAsync(admin);
        var visitor = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken);
        var id = await WidgetKit.StartConversationAsync(visitor, channel.WebsiteToken);

        var refused = await Json.ReadErrorAsync(await visitor.Client.PostAsync(Attachments(channel, id), File(Png, "screenshot.png", "image/png")), 403, "AUTHORIZATION_ERROR");
        Assert.Contains("allow_attachments", refused.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        var messages = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/conversations/{id}/messages"), 200);
        Assert.Empty(messages.GetProperty("items").EnumerateArray());

        // Turned on by the admin, the same upload goes through.
        await Json.ReadAsync(await admin.Client.PatchAsJsonAsync($"/api/v1/widget/channels/{channel.Id}", new { allow_attachments = true }), 200);
        await Json.ReadAsync(await visitor.Client.PostAsync(Attachments(channel, id), File(Png, "screenshot.png", "image/png")), 201);
    }

    [Fact]
    public async Task Unsafe_or_oversized_files_are_refused_with_the_upload_rules_and_nothing_is_stored()
    {
        var admin = await app.CreateTenantWithAdminAsync("Bad files");
        var channel = await WidgetKit.CreateChannelAsync(admin, extra: new { allow_attachments = true });
        var visitor = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken);
        var id = await WidgetKit.StartConversationAsync(visitor, channel.WebsiteToken);
        var url = Attachments(channel, id);

        await Json.ReadErrorAsync(await visitor.Client.PostAsync(url, File([0x4D, 0x5A, 0x90, 0x00, 0x03], "invoice.pdf")), 415);
        await Json.ReadErrorAsync(await visitor.Client.PostAsync(url, File(Zip(("a.txt", "hello")), "files.zip")), 415);
        await Json.ReadErrorAsync(await visitor.Client.PostAsync(url, File(Zip(("a.txt", "hello")), "report.pdf")), 422);
        await Json.ReadErrorAsync(await visitor.Client.PostAsync(url, File(Encoding.UTF8.GetBytes("<svg onload=alert(1)></svg>"), "logo.svg")), 415);
        await Json.ReadErrorAsync(await visitor.Client.PostAsync(url, File([], "empty.txt")), 422);
        await Json.ReadErrorAsync(await visitor.Client.PostAsJsonAsync(url, new { file = "not multipart" }), 415);
        // A DOCX that declares more parts than any Word document has is refused before it is opened.
        var bomb = Zip(Enumerable.Range(0, 1_001).Select(i => ($"word/p{i}.xml", "x")).Append(("word/document.xml", "<w/>")).ToArray());
        await Json.ReadErrorAsync(await visitor.Client.PostAsync(url, File(bomb, "contract.docx")), 422);
        // Larger than Parley:Widget:MaxAttachmentBytes (10 MB by default).
        try
        {
            await Json.ReadErrorAsync(await visitor.Client.PostAsync(url, File(new byte[(10 * 1024 * 1024) + 1], "big.txt")), 413);
        }
        catch (HttpRequestException)
        {
            // The server may answer 413 and close before the client has sent every byte (broken pipe);
            // either way nothing may be stored, which the next lines check.
        }

        var messages = await Json.ReadAsync(await admin.Client.GetAsync($"/api/v1/conversations/{id}/messages"), 200);
        Assert.Empty(messages.GetProperty("items").EnumerateArray());

        // A plain text file is fine; an ended conversation takes no more.
        var text = await Json.ReadAsync(await visitor.Client.PostAsync(url, File(Encoding.UTF8.GetBytes("order 1234, broken lid"), "../../notes.txt")), 201);
        Assert.Equal("notes.txt", text.GetProperty("file_name").GetString());
        await Json.ReadAsync(await admin.Client.PutAsync($"/api/v1/sessions/{id}/end", null), 200);
        await Json.ReadErrorAsync(await visitor.Client.PostAsync(url, File(Png, "late.png")), 409);
    }

    private static byte[] Zip(params (string Name, string Text)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(text);
            }
        }

        return buffer.ToArray();
    }
}

public sealed class SqliteWidgetAttachmentTests(SqliteApp app) : WidgetAttachmentTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresWidgetAttachmentTests(PostgresApp app) : WidgetAttachmentTests(app), IClassFixture<PostgresApp>;
