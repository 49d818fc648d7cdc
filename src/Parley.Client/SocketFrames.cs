using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace Parley.Client;

/// <summary>The text frames of a Parley socket, whole, until the server closes it or the connection drops.</summary>
internal static class SocketFrames
{
    public static async IAsyncEnumerable<string> ReadAsync(WebSocket socket, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        while (socket.State == WebSocketState.Open)
        {
            buffer.Clear();
            ValueWebSocketReceiveResult result;
            try
            {
                do
                {
                    result = await socket.ReceiveAsync(buffer.GetMemory(8192), cancellationToken).ConfigureAwait(false);
                    buffer.Advance(result.Count);
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
            }
            catch (WebSocketException)
            {
                yield break;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                yield break;
            }

            yield return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
    }
}
