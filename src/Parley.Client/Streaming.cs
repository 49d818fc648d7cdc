using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Parley.Client;

/// <summary>
/// One event of a turn stream, a conversation stream or a socket: its <see cref="Type"/>
/// (<c>token</c>, <c>final</c>, <c>message</c>, <c>typing</c>, <c>escalation</c>, <c>error</c>, ...),
/// the sequence it carries (stored messages their own), and its JSON.
/// </summary>
public sealed record ParleyEvent(string Type, int? Sequence, JsonElement Data)
{
    /// <summary>The text of a <c>token</c> or <c>message</c> event.</summary>
    public string? Content => Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;

    /// <summary>The whole turn of a <c>final</c> event (SSE: the event itself; socket: its <c>response</c>).</summary>
    public ChatTurn? AsTurn()
    {
        if (Type != "final" || Data.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return Data.TryGetProperty("response", out var inner) && inner.ValueKind == JsonValueKind.Object
            ? ParleyJson.Deserialize<ChatTurn>(inner)
            : ParleyJson.Deserialize<ChatTurn>(Data);
    }

    /// <summary>The stored message of a <c>message</c> event.</summary>
    public Message? AsMessage()
        => Type == "message" && Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.Object
            ? ParleyJson.Deserialize<Message>(m)
            : null;

    /// <summary>The error of an <c>error</c> event as the library's one exception type.</summary>
    public ParleyApiException? AsError()
    {
        if (Type != "error" || Data.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return ParleyApiException.Parse(0, Data.GetRawText(), null, null);
    }

    internal static ParleyEvent Parse(string? eventName, string? id, string data)
    {
        JsonElement json;
        try
        {
            using var document = JsonDocument.Parse(data);
            json = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            json = JsonSerializer.SerializeToElement(data);
        }

        var type = eventName ?? (json.ValueKind == JsonValueKind.Object && json.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null) ?? "message";
        int? sequence = int.TryParse(id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s
            : json.ValueKind == JsonValueKind.Object && json.TryGetProperty("sequence", out var q) && q.TryGetInt32(out var n) ? n : null;
        return new ParleyEvent(type, sequence, json);
    }
}

internal static class Streaming
{
    /// <summary>Sends the request and reads its <c>text/event-stream</c> answer as events until the server ends it.</summary>
    public static async IAsyncEnumerable<ParleyEvent> ReadSseAsync(ParleyClient client, Func<HttpRequestMessage> build, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        HttpRequestMessage Build()
        {
            var request = build();
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            return request;
        }

        using var response = await client.SendAsync(Build, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var e in ParseAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            yield return e;
        }
    }

    /// <summary>The SSE wire format: <c>event:</c>, <c>id:</c> and <c>data:</c> lines, an empty line ends an event.</summary>
    public static async IAsyncEnumerable<ParleyEvent> ParseAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? eventName = null, id = null;
        var data = new StringBuilder();
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                yield break;
            }

            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    yield return ParleyEvent.Parse(eventName, id, data.ToString());
                }

                eventName = null;
                id = null;
                data.Clear();
                continue;
            }

            if (line.StartsWith(':'))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "event":
                    eventName = value;
                    break;
                case "id":
                    id = value;
                    break;
                case "data":
                    if (data.Length > 0)
                    {
                        data.Append('\n');
                    }

                    data.Append(value);
                    break;
            }
        }
    }

    /// <summary>
    /// Follows an event stream, resuming with <c>Last-Event-ID</c> after the last sequence seen when
    /// the connection ends (server restart, proxy timeout); messages at or below it are not yielded twice.
    /// </summary>
    public static async IAsyncEnumerable<ParleyEvent> FollowAsync(ParleyClient client, string path, int? lastSequence, bool reconnect,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = lastSequence;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var from = last;
            HttpRequestMessage Build()
            {
                var request = ParleyClient.Request(HttpMethod.Get, path, null);
                if (from is { } n)
                {
                    request.Headers.TryAddWithoutValidation("Last-Event-ID", n.ToString(CultureInfo.InvariantCulture));
                }

                return request;
            }

            var events = ReadSseAsync(client, Build, cancellationToken).ConfigureAwait(false).GetAsyncEnumerator();
            try
            {
                while (true)
                {
                    ParleyEvent e;
                    try
                    {
                        if (!await events.MoveNextAsync())
                        {
                            break;
                        }

                        e = events.Current;
                    }
                    catch (Exception ex) when (reconnect && !cancellationToken.IsCancellationRequested && IsDrop(ex) && failures < 5)
                    {
                        failures++;
                        break;
                    }

                    if (e.Type == "message" && e.Sequence is { } seq)
                    {
                        if (last is { } l && seq <= l)
                        {
                            continue;
                        }

                        last = seq;
                    }

                    failures = 0;
                    yield return e;
                }
            }
            finally
            {
                await events.DisposeAsync();
            }

            if (!reconnect)
            {
                yield break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200 * (failures + 1)), cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsDrop(Exception e) => e is IOException or HttpRequestException
        || (e is ParleyApiException p && (p.Status == 0 || p.Status >= 500));
}
