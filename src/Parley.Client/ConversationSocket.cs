using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Parley.Client;

/// <summary>
/// A conversation's WebSocket (<c>/api/v1/ws/chat/{id}</c>): send turns and typing, read events.
/// It remembers the last stored message's sequence, so <see cref="ReconnectAsync"/> resumes exactly
/// where the connection broke (<c>?last_sequence=N</c>): missed messages first, then live events.
/// </summary>
public sealed class ConversationSocket : IAsyncDisposable
{
    private readonly ParleyClient _client;
    private ClientWebSocket _socket;

    private ConversationSocket(ParleyClient client, Guid conversationId, ClientWebSocket socket, int? lastSequence)
    {
        _client = client;
        ConversationId = conversationId;
        _socket = socket;
        LastSequence = lastSequence;
    }

    public Guid ConversationId { get; }

    /// <summary>The sequence of the last stored message received (or the one connected from).</summary>
    public int? LastSequence { get; private set; }

    public WebSocketState State => _socket.State;

    internal static async Task<ConversationSocket> ConnectAsync(ParleyClient client, Guid conversationId, int? lastSequence, CancellationToken cancellationToken)
    {
        var socket = await OpenAsync(client, conversationId, lastSequence, cancellationToken).ConfigureAwait(false);
        return new ConversationSocket(client, conversationId, socket, lastSequence);
    }

    private static async Task<ClientWebSocket> OpenAsync(ParleyClient client, Guid conversationId, int? lastSequence, CancellationToken cancellationToken)
    {
        var builder = new UriBuilder(new Uri(client.BaseAddress, ParleyClient.Path($"ws/chat/{conversationId:D}")));
        builder.Scheme = builder.Scheme == "https" ? "wss" : "ws";
        var query = new List<string>();
        if (lastSequence is { } n)
        {
            query.Add("last_sequence=" + n.ToString(CultureInfo.InvariantCulture));
        }

        // Browsers cannot set headers on a WebSocket: the token goes in the query (accepted on upgrades only).
        if (client.CurrentToken is { } token)
        {
            query.Add("token=" + Uri.EscapeDataString(token));
        }

        builder.Query = string.Join('&', query);
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(builder.Uri, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException e)
        {
            socket.Dispose();
            throw new ParleyApiException(0, ParleyApiException.Unreachable, $"Could not open the conversation socket: {e.Message}", inner: e);
        }

        return socket;
    }

    /// <summary>Reconnects after a drop, resuming after <see cref="LastSequence"/>.</summary>
    public async Task ReconnectAsync(CancellationToken cancellationToken = default)
    {
        _socket.Abort();
        _socket.Dispose();
        _socket = await OpenAsync(_client, ConversationId, LastSequence, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a turn (<c>{"type":"message","content":...}</c>); its <c>token</c>s and <c>final</c> follow as events.</summary>
    public Task SendMessageAsync(string content, CancellationToken cancellationToken = default)
        => SendAsync(new { type = "message", content }, cancellationToken);

    public Task SendTypingAsync(bool isTyping, CancellationToken cancellationToken = default)
        => SendAsync(new { type = "typing", is_typing = isTyping }, cancellationToken);

    public async Task SendAsync(object frame, CancellationToken cancellationToken = default)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(frame, frame.GetType(), ParleyJson.Options);
        await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Events until the server closes the socket; stored messages update <see cref="LastSequence"/>, and replays of ones already seen are skipped.</summary>
    public async IAsyncEnumerable<ParleyEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var frame in SocketFrames.ReadAsync(_socket, cancellationToken).ConfigureAwait(false))
        {
            var e = ParleyEvent.Parse(null, null, frame);
            if (e.Type == "message" && e.Sequence is { } seq)
            {
                if (LastSequence is { } last && seq <= last)
                {
                    continue;
                }

                LastSequence = seq;
            }

            yield return e;
        }
    }

    public async Task CloseAsync(CancellationToken cancellationToken = default)
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketException)
            {
                // Already gone.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await CloseAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The server did not answer the close in time; abort below.
        }

        _socket.Dispose();
    }
}
