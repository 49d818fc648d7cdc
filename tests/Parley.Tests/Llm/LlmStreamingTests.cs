using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Parley.Tests.Llm;

/// <summary>The model's tokens reach a <c>POST /chat/stream</c> client while the model is still writing.</summary>
public sealed class LlmStreamingTests(LlmApp app) : IClassFixture<LlmApp>
{
    [Fact]
    public async Task Model_tokens_are_relayed_as_server_sent_events_before_the_model_has_finished()
    {
        var user = await app.RegisterAsync();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string[] chunks = ["Refunds ", "take 5 ", "business days ", "[2]."];
        var scenario = app.Fake.Scenario(FakeReply.StreamHeld(1, gate, chunks));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/chat/stream") { Content = JsonContent.Create(new { message = $"How long do refunds take? {scenario.Tag}" }) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await user.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // The model holds everything after its first chunk until that chunk has reached this client.
        var first = await NextAsync(reader, "token", timeout.Token);
        Assert.Equal("Refunds ", first.GetProperty("content").GetString());
        gate.SetResult();

        var tokens = new List<string?> { "Refunds " };
        JsonElement final;
        while (true)
        {
            var (name, data) = await NextEventAsync(reader, timeout.Token);
            if (name == "final")
            {
                final = data;
                break;
            }

            if (name == "token")
            {
                tokens.Add(data.GetProperty("content").GetString());
            }
        }

        Assert.Equal(chunks, tokens);
        Assert.Equal("llm", final.GetProperty("engine").GetString());
        Assert.Equal(string.Concat(chunks), final.GetProperty("response").GetString());
        Assert.Equal(FixedKnowledge.IdOf(FixedKnowledge.Refunds), final.GetProperty("citations")[0].GetProperty("id").GetString());
        Assert.Single(scenario.Requests);
    }

    private static async Task<JsonElement> NextAsync(StreamReader reader, string wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (name, data) = await NextEventAsync(reader, cancellationToken);
            if (name == wanted)
            {
                return data;
            }
        }
    }

    private static async Task<(string Name, JsonElement Data)> NextEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? name = null, data = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
            else if (line.Length == 0 && data is not null)
            {
                return (name ?? "message", JsonDocument.Parse(data).RootElement.Clone());
            }
        }

        throw new InvalidOperationException("The event stream ended before the expected event.");
    }
}
