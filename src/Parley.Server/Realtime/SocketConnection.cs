using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Parley.Server.Realtime;

/// <summary>
/// One WebSocket with a bounded outbox drained by a single writer, and a reader that hands out
/// whole JSON text frames. A frame that is not JSON, is binary or is too large is answered with an
/// <c>error</c> event and the connection stays open; a client that stops reading fills its outbox
/// and is disconnected instead of growing memory.
/// </summary>
public sealed class SocketConnection(WebSocket socket, JsonSerializerOptions json, ILogger logger) : IAsyncDisposable
{
    public const int MaxFrameBytes = 64 * 1024;
    public const int OutboxCapacity = 256;

    /// <summary>How long a client has to answer the server's close frame before the connection is dropped.</summary>
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    private readonly Channel<string> _outbox = Channel.CreateBounded<string>(new BoundedChannelOptions(OutboxCapacity) { SingleReader = true });
    private readonly CancellationTokenSource _dropAfterClose = new();
    private readonly Lock _sending = new();
    private Task? _writer;
    private string? _terminatedBecause;

    public bool IsOpen => socket.State == WebSocketState.Open;

    public void Start(CancellationToken cancellationToken) => _writer = WriteLoopAsync(cancellationToken);

    /// <summary>Queues an event; false (and the socket is closed) when the client is too slow.</summary>
    public bool Send(object message)
    {
        var text = JsonSerializer.Serialize(message, json);
        lock (_sending)
        {
            if (_terminatedBecause is not null)
            {
                return false;
            }

            if (_outbox.Writer.TryWrite(text))
            {
                return true;
            }
        }

        // The writer may be blocked on a client that stopped reading: abort rather than wait.
        logger.LogWarning("WebSocket client too slow; disconnecting it");
        _outbox.Writer.TryComplete(new IOException("outbox full"));
        socket.Abort();
        return false;
    }

    public bool SendError(string code, string message) => Send(new { type = "error", error = new { code, message }, timestamp = DateTime.UtcNow });

    /// <summary>A refused frame that may be sent again later: <c>retry_after</c> (seconds) in the error and at the top level.</summary>
    public bool SendRetryLater(string code, string message, int retryAfterSeconds)
        => Send(new { type = "error", error = new { code, message, retry_after = retryAfterSeconds }, retry_after = retryAfterSeconds, timestamp = DateTime.UtcNow });

    /// <summary>
    /// Ends the socket from the server's side (its credentials were revoked): the error frame is the
    /// last event it gets, whatever is published after this is dropped, then it is closed with 1008.
    /// Returns at once; the writer delivers the frame and the close.
    /// </summary>
    public void Terminate(string code, string message, string closeReason)
    {
        var text = JsonSerializer.Serialize(new { type = "error", error = new { code, message }, timestamp = DateTime.UtcNow }, json);
        lock (_sending)
        {
            if (_terminatedBecause is not null)
            {
                return;
            }

            _terminatedBecause = closeReason;
            if (!_outbox.Writer.TryWrite(text))
            {
                socket.Abort();
            }

            _outbox.Writer.TryComplete();
        }
    }

    /// <summary>
    /// Queues an event, waiting while the outbox is full (a replay goes at the client's pace); false
    /// (and the socket is cut off) when the client makes no room within <paramref name="stall"/>.
    /// </summary>
    public async Task<bool> SendPacedAsync(object message, TimeSpan stall, CancellationToken cancellationToken)
    {
        var text = JsonSerializer.Serialize(message, json);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(stall);
        try
        {
            while (await _outbox.Writer.WaitToWriteAsync(timeout.Token))
            {
                lock (_sending)
                {
                    if (_terminatedBecause is not null)
                    {
                        return false;
                    }

                    if (_outbox.Writer.TryWrite(text))
                    {
                        return true;
                    }
                }
            }

            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("WebSocket client read nothing for {Seconds} s during a replay; disconnecting it", stall.TotalSeconds);
            _outbox.Writer.TryComplete(new IOException("replay stalled"));
            socket.Abort();
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The next JSON object from the client, or null when the connection closes.</summary>
    public async Task<JsonElement?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            while (true)
            {
                using var frame = new MemoryStream();
                WebSocketReceiveResult result;
                var tooLarge = false;
                do
                {
                    result = await socket.ReceiveAsync(buffer, cancellationToken);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return null;
                    }

                    if (frame.Length + result.Count > MaxFrameBytes)
                    {
                        tooLarge = true;
                    }
                    else
                    {
                        frame.Write(buffer, 0, result.Count);
                    }
                }
                while (!result.EndOfMessage);

                if (tooLarge)
                {
                    SendError("FRAME_TOO_LARGE", $"Frames are limited to {MaxFrameBytes} bytes.");
                }
                else if (result.MessageType != WebSocketMessageType.Text)
                {
                    SendError("BAD_FRAME", "Send JSON text frames.");
                }
                else if (TryParse(frame.ToArray()) is { } parsed)
                {
                    return parsed;
                }
                else
                {
                    SendError("BAD_FRAME", "The frame is not a JSON object.");
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static JsonElement? TryParse(byte[] bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var text in _outbox.Reader.ReadAllAsync(cancellationToken))
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken);
            }

            if (Volatile.Read(ref _terminatedBecause) is { } reason && socket.State == WebSocketState.Open)
            {
                // The reader is still waiting for frames: it returns when the client answers the close,
                // or fails when the connection is dropped because the client did not.
                _dropAfterClose.Token.Register(socket.Abort);
                _dropAfterClose.CancelAfter(CloseHandshakeTimeout);
                await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, reason, cancellationToken);
            }
        }
        catch (IOException)
        {
            // The outbox overflowed: nothing more can be delivered in order, so cut the client off.
            socket.Abort();
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client went away; the reader notices too.
        }
    }

    /// <summary>Delivers what is queued (briefly), then closes with the given status.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        _outbox.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer.WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(status, reason, timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync(WebSocketCloseStatus.NormalClosure, "bye");
        socket.Dispose();
        _dropAfterClose.Dispose();
    }
}
