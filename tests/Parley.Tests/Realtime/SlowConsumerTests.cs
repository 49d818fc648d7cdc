using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Realtime;

/// <summary>
/// A client that stops reading while the server keeps pushing is cut off once its bounded outbox is
/// full, and nobody else notices: the other socket on the same conversation keeps every event and
/// sees the slow client go offline. No timing: the test pushes turns until the cut happens (or fails
/// after far more events than the outbox and the socket buffers can hold).
/// </summary>
public sealed class SlowConsumerTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    // Big messages fill the buffers sooner: each turn pushes the customer's message (about 6 KB) and the answer.
    private static readonly string LongMessage = string.Join(' ', Enumerable.Repeat("where is my parcel it has not arrived yet", 150));
    private const int MaxTurns = 2_000;

    [Fact]
    public async Task A_client_that_stops_reading_is_disconnected_and_the_others_are_unaffected()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var id = (await Json.ReadAsync(await customer.Client.PostAsync("/conversations", null), 201)).GetProperty("conversation_id").GetGuid();

        using var slow = await ConnectNonReadingAsync(app, $"/ws/chat/{id}?token={customer.AccessToken}");
        var healthy = new Watcher(await ConnectAsync(app, $"/ws/chat/{id}?token={admin.AccessToken}"), customer.Id);
        var watching = healthy.RunAsync();

        var turns = 0;
        while (!watching.IsCompleted && turns < MaxTurns)
        {
            await Json.ReadAsync(await customer.Client.PostAsJsonAsync($"/conversations/{id}/messages", new { message = LongMessage }), 200);
            turns++;
        }

        Assert.True(watching.IsCompleted, $"The slow client was still connected after {turns} turns.");
        await watching;
        Assert.True(healthy.SlowClientWentOffline);

        // The healthy socket missed nothing: one bot message per turn, and it still gets new ones.
        await Json.ReadAsync(await customer.Client.PostAsJsonAsync($"/conversations/{id}/messages", new { message = "thanks, one more question" }), 200);
        JsonElement last;
        do
        {
            last = await healthy.NextBotMessageAsync();
        }
        while (last.GetProperty("sequence").GetInt32() < (turns + 1) * 2);

        Assert.Equal((turns + 1) * 2, last.GetProperty("sequence").GetInt32());
        Assert.Equal(turns + 1, healthy.BotMessages);

        // The slow client, reading at last, finds a cut connection after far fewer events than were sent.
        var received = await DrainAsync(slow);
        Assert.True(received < turns * 2, $"The slow client got {received} of {turns * 2} events.");

        // The server still serves everyone else.
        var other = await app.CreateUserAsync(admin);
        await Json.ReadAsync(await other.Client.PostAsJsonAsync("/api/v1/chat/process", new { message = "hello" }), 200);
        await healthy.DisposeAsync();
    }

    private static Uri Address(ParleyApp app, string pathAndQuery)
        => new(new Uri(app.BaseAddress.ToString().Replace("http://", "ws://", StringComparison.Ordinal)), pathAndQuery);

    private static async Task<ClientWebSocket> ConnectAsync(ParleyApp app, string pathAndQuery)
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(Address(app, pathAndQuery), timeout.Token);
        return socket;
    }

    /// <summary>A real WebSocket client whose TCP receive window is tiny, so unread events back up on the server quickly.</summary>
    private static async Task<ClientWebSocket> ConnectNonReadingAsync(ParleyApp app, string pathAndQuery)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var client = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.ConnectAsync(Address(app, pathAndQuery), new HttpMessageInvoker(handler), timeout.Token);
        return client;
    }

    private static async Task<int> DrainAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        var count = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return count;
                }

                count += result.EndOfMessage ? 1 : 0;
            }
        }
        catch (WebSocketException)
        {
            return count;
        }
    }

    /// <summary>Reads the healthy socket until the slow client's "offline" presence arrives, counting bot messages.</summary>
    private sealed class Watcher(ClientWebSocket socket, Guid slowUserId) : IAsyncDisposable
    {
        private readonly byte[] _buffer = new byte[256 * 1024];

        public bool SlowClientWentOffline { get; private set; }

        public int BotMessages { get; private set; }

        public async Task RunAsync()
        {
            // Generous: the loop in the test keeps events coming until the cut, so silence means a bug.
            while (await ReceiveAsync(TimeSpan.FromSeconds(120)) is { } e)
            {
                var type = e.GetProperty("type").GetString();
                if (type == "message" && e.GetProperty("message_type").GetString() == "bot")
                {
                    BotMessages++;
                }
                else if (type == "presence" && Offline(e))
                {
                    SlowClientWentOffline = true;
                    return;
                }
            }
        }

        public async Task<JsonElement> NextBotMessageAsync()
        {
            while (await ReceiveAsync(TimeSpan.FromSeconds(60)) is { } e)
            {
                if (e.GetProperty("type").GetString() == "message" && e.GetProperty("message_type").GetString() == "bot")
                {
                    BotMessages++;
                    return e;
                }
            }

            throw new InvalidOperationException("The healthy socket closed.");
        }

        private bool Offline(JsonElement e)
            => e.GetRawText().Contains(slowUserId.ToString(), StringComparison.OrdinalIgnoreCase) && e.GetRawText().Contains("offline", StringComparison.Ordinal);

        private async Task<JsonElement?> ReceiveAsync(TimeSpan limit)
        {
            using var timeout = new CancellationTokenSource(limit);
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(_buffer, timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }

                message.Write(_buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            return JsonDocument.Parse(message.ToArray()).RootElement.Clone();
        }

        public async ValueTask DisposeAsync()
        {
            if (socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }

            socket.Dispose();
        }
    }
}
