using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Widget;

/// <summary>A widget channel as a test made it: its public token, its id and the identity secret shown once.</summary>
public sealed record TestChannel(Guid Id, string WebsiteToken, string Secret);

public sealed record TestVisitor(Guid Id, string AccessToken, string RefreshToken, HttpClient Client);

public static class WidgetKit
{
    public const string HostOrigin = "https://shop.example";

    public static async Task<TestChannel> CreateChannelAsync(TestUser admin, string[]? origins = null, object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["name"] = "Shop", ["allowed_origins"] = origins ?? [HostOrigin], ["greeting"] = "Hello!" };
        if (extra is not null)
        {
            foreach (var p in JsonSerializer.SerializeToElement(extra).EnumerateObject())
            {
                body[p.Name] = p.Value;
            }
        }

        var created = await Json.ReadAsync(await admin.Client.PostAsJsonAsync("/api/v1/widget/channels", body), 201);
        var channel = created.GetProperty("channel");
        return new TestChannel(channel.GetProperty("id").GetGuid(), channel.GetProperty("website_token").GetString()!, created.GetProperty("identity_secret").GetString()!);
    }

    public static async Task<HttpResponseMessage> PostVisitorAsync(ParleyApp app, string websiteToken, object? body = null, string? origin = HostOrigin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/widget/{websiteToken}/visitors") { Content = JsonContent.Create(body ?? new { }) };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await app.Anonymous().SendAsync(request);
    }

    public static async Task<TestVisitor> StartVisitorAsync(ParleyApp app, string websiteToken, object? body = null)
    {
        var session = await Json.ReadAsync(await PostVisitorAsync(app, websiteToken, body), 201);
        var client = app.Authorized(session.GetProperty("access_token").GetString()!);
        client.DefaultRequestHeaders.Add("Origin", HostOrigin);
        return new TestVisitor(session.GetProperty("visitor_id").GetGuid(), session.GetProperty("access_token").GetString()!, session.GetProperty("refresh_token").GetString()!, client);
    }

    public static async Task<Guid> StartConversationAsync(TestVisitor visitor, string websiteToken)
        => (await Json.ReadAsync(await visitor.Client.PostAsync($"/api/v1/widget/{websiteToken}/conversations", null), 201)).GetProperty("id").GetGuid();

    public static string Hmac(string secret, string identifier)
        => Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(identifier)));

    /// <summary>A WebSocket upgrade with an Origin header, as a browser makes it; the upgrade's failure status when refused.</summary>
    public static async Task<(ClientWebSocket? Socket, int? Status)> ConnectAsync(ParleyApp app, string path, string token, string origin)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", origin);
        socket.Options.CollectHttpResponseDetails = true;
        var uri = new UriBuilder(app.BaseAddress) { Scheme = "ws", Path = path, Query = "token=" + token }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await socket.ConnectAsync(uri, timeout.Token);
            return (socket, null);
        }
        catch (WebSocketException)
        {
            return (null, (int)socket.HttpStatusCode);
        }
    }

    public static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket, string type, Func<JsonElement, bool>? where = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, timeout.Token);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"Socket closed: {result.CloseStatus} {result.CloseStatusDescription}");
            }

            var e = JsonDocument.Parse(message.ToArray()).RootElement.Clone();
            if (e.GetProperty("type").GetString() == type && (where is null || where(e)))
            {
                return e;
            }
        }
    }

    public static Task SendAsync(ClientWebSocket socket, object frame)
        => socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(frame), WebSocketMessageType.Text, true, CancellationToken.None);
}
