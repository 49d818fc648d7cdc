using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Realtime;

/// <summary>A real ClientWebSocket with helpers to wait for the next event of a given type.</summary>
public sealed class SocketClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly List<JsonElement> _seen = [];

    public IReadOnlyList<JsonElement> Seen => _seen;

    public static async Task<SocketClient> ConnectAsync(ParleyApp app, string path, string? token = null)
    {
        var client = new SocketClient();
        var uri = new UriBuilder(app.BaseAddress) { Scheme = "ws", Path = path.Split('?')[0], Query = path.Contains('?') ? path.Split('?', 2)[1] : "" };
        if (token is not null)
        {
            uri.Query = (uri.Query.Length > 1 ? uri.Query[1..] + "&" : "") + "token=" + token;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await client._socket.ConnectAsync(uri.Uri, timeout.Token);
        return client;
    }

    public WebSocketState State => _socket.State;

    public Task SendAsync(object message) => SendTextAsync(JsonSerializer.Serialize(message));

    public async Task SendTextAsync(string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, timeout.Token);
    }

    /// <summary>The next event whose type matches (others are kept in <see cref="Seen"/>); fails after 15 s.</summary>
    public Task<JsonElement> NextAsync(string type, Func<JsonElement, bool>? where = null)
        => NextMatchingAsync(type, e => e.GetProperty("type").GetString() == type && (where?.Invoke(e) ?? true));

    /// <summary>The next event of any of the given types (a turn's <c>final</c> or its <c>error</c>, say).</summary>
    public Task<JsonElement> NextOfAsync(params string[] types)
        => NextMatchingAsync(string.Join(" or ", types), e => types.Contains(e.GetProperty("type").GetString()));

    private async Task<JsonElement> NextMatchingAsync(string type, Func<JsonElement, bool> matches)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            JsonElement? received;
            try
            {
                received = await ReceiveAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                // Say what did arrive: the events before the one that never came usually tell why.
                throw new TimeoutException($"No '{type}' event within 15 s. Seen: {string.Join(" | ", _seen.TakeLast(8).Select(s => s.GetRawText()[..Math.Min(300, s.GetRawText().Length)]))}");
            }

            var e = received ?? throw new InvalidOperationException($"Socket closed while waiting for '{type}'. Seen: {string.Join(", ", _seen.Select(s => s.GetProperty("type").GetString()))}");
            _seen.Add(e);
            if (matches(e))
            {
                return e;
            }
        }
    }

    /// <summary>An event already received (while waiting for another), or else the next matching one.</summary>
    public Task<JsonElement> SeenOrNextAsync(string type, Func<JsonElement, bool>? where = null)
    {
        foreach (var e in _seen)
        {
            if (e.GetProperty("type").GetString() == type && (where?.Invoke(e) ?? true))
            {
                return Task.FromResult(e);
            }
        }

        return NextAsync(type, where);
    }

    /// <summary>Waits for the server to close the socket; returns the close status.</summary>
    public async Task<WebSocketCloseStatus?> ClosedAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (await ReceiveAsync(timeout.Token) is { } e)
        {
            _seen.Add(e);
        }

        return _socket.CloseStatus;
    }

    private async Task<JsonElement?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            try
            {
                result = await _socket.ReceiveAsync(buffer, cancellationToken);
            }
            catch (WebSocketException)
            {
                return null;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return JsonDocument.Parse(message.ToArray()).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The server already closed it.
        }

        _socket.Dispose();
    }
}
