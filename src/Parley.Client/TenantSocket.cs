using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace Parley.Client;

/// <summary>
/// The tenant-wide socket (<c>/api/v1/ws</c>, the AI Assistant Platform document): <c>conversation_update</c> for every
/// event in the conversations the caller may see (escalations, claims, messages),
/// <c>system_notification</c> and <c>assistant_status</c>. Agents' consoles watch it for new escalations.
/// </summary>
public sealed class TenantSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;

    private TenantSocket(ClientWebSocket socket) => _socket = socket;

    public WebSocketState State => _socket.State;

    public static async Task<TenantSocket> ConnectAsync(ParleyClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var builder = new UriBuilder(new Uri(client.BaseAddress, ParleyClient.Path("ws")));
        builder.Scheme = builder.Scheme == "https" ? "wss" : "ws";

        // Browsers cannot set headers on a WebSocket: the token goes in the query (accepted on upgrades only).
        if (client.CurrentToken is { } token)
        {
            builder.Query = "token=" + Uri.EscapeDataString(token);
        }

        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(builder.Uri, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException e)
        {
            socket.Dispose();
            throw new ParleyApiException(0, ParleyApiException.Unreachable, $"Could not open the tenant socket: {e.Message}", inner: e);
        }

        return new TenantSocket(socket);
    }

    /// <summary>Events until the server closes the socket or it drops.</summary>
    public async IAsyncEnumerable<ParleyEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var frame in SocketFrames.ReadAsync(_socket, cancellationToken).ConfigureAwait(false))
        {
            yield return ParleyEvent.Parse(null, null, frame);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The server did not answer the close in time or the socket is already gone.
            }
        }

        _socket.Dispose();
    }
}
