using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Realtime;

public sealed class ServerSentEventsTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private static async Task<List<(string Event, string? Id, JsonElement Data)>> ReadEventsAsync(HttpResponseMessage response, int max, Func<string, bool>? stopAt = null)
    {
        var events = new List<(string, string?, JsonElement)>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string? name = null, id = null, data = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (events.Count < max && await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) { name = line[7..]; }
            else if (line.StartsWith("id: ", StringComparison.Ordinal)) { id = line[4..]; }
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) { data = line[6..]; }
            else if (line.Length == 0 && data is not null)
            {
                events.Add((name ?? "message", id, JsonDocument.Parse(data).RootElement.Clone()));
                if (stopAt?.Invoke(name ?? "message") == true)
                {
                    break;
                }

                (name, id, data) = (null, null, null);
            }
        }

        return events;
    }

    [Fact]
    public async Task A_turn_streams_as_server_sent_events_ending_in_final()
    {
        var user = await app.RegisterAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/chat/stream") { Content = JsonContent.Create(new { message = "hello" }) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await user.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);

        var events = await ReadEventsAsync(response, 500, e => e == "final");
        Assert.Equal("agent_event", events[0].Event);
        var final = events[^1];
        Assert.Equal("final", final.Event);
        Assert.Equal("2", final.Id);
        var tokens = events.Where(e => e.Event == "token").Select(e => e.Data.GetProperty("content").GetString()).ToList();
        Assert.NotEmpty(tokens);
        Assert.Equal(final.Data.GetProperty("response").GetString(), string.Concat(tokens));
        var sessionId = final.Data.GetProperty("session_id").GetGuid();
        var history = await Json.ReadAsync(await user.Client.GetAsync($"/chat/history/{sessionId}"), 200);
        Assert.Equal(2, history.GetProperty("total_messages").GetInt32());
    }

    [Fact]
    public async Task Following_a_conversation_resumes_after_the_last_event_id()
    {
        var user = await app.RegisterAsync();
        var id = (await Json.ReadAsync(await user.Client.PostAsync("/conversations", null), 201)).GetProperty("conversation_id").GetGuid();
        await Json.ReadAsync(await user.Client.PostAsJsonAsync($"/conversations/{id}/messages", new { message = "one" }), 200);
        await Json.ReadAsync(await user.Client.PostAsJsonAsync($"/conversations/{id}/messages", new { message = "two" }), 200);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/conversations/{id}/events");
        request.Headers.Add("Last-Event-ID", "2");
        using var response = await user.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var replayed = await ReadEventsAsync(response, 2);
        Assert.Equal(["3", "4"], replayed.Select(e => e.Id));
        Assert.Equal("two", replayed[0].Data.GetProperty("content").GetString());
    }

    [Fact]
    public async Task Streaming_into_someone_elses_session_is_404_before_any_event()
    {
        var owner = await app.RegisterAsync();
        var stranger = await app.RegisterAsync();
        var id = (await Json.ReadAsync(await owner.Client.PostAsync("/conversations", null), 201)).GetProperty("conversation_id").GetGuid();
        await Json.ReadErrorAsync(await stranger.Client.PostAsJsonAsync("/chat/stream", new { message = "hi", session_id = id }), 404);
        await Json.ReadErrorAsync(await stranger.Client.GetAsync($"/conversations/{id}/events"), 404);
        await Json.ReadErrorAsync(await stranger.Client.PostAsJsonAsync("/chat/stream", new { message = "" }), 422);
    }
}
