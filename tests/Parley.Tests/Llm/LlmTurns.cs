using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Llm;

public static class LlmTurns
{
    /// <summary>One <c>POST /chat/message</c>, and the bot message it stored as <c>GET /chat/history</c> shows it.</summary>
    public static async Task<(JsonElement Turn, JsonElement Bot)> AskAsync(TestUser user, string message, Guid? sessionId = null)
    {
        var body = new Dictionary<string, object?> { ["message"] = message };
        if (sessionId is { } id)
        {
            body["session_id"] = id;
        }

        var turn = await Json.ReadAsync(await user.Client.PostAsJsonAsync("/chat/message", body), 200);
        var history = await Json.ReadAsync(await user.Client.GetAsync($"/chat/history/{turn.GetProperty("session_id").GetGuid()}"), 200);
        var bot = history.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("id").GetGuid() == turn.GetProperty("response_message_id").GetGuid());
        return (turn, bot);
    }

    public static JsonElement Metadata(this JsonElement message) => message.GetProperty("metadata");

    public static bool IsFallback(this JsonElement message) => message.Metadata().TryGetProperty("fallback", out var f) && f.GetBoolean();

    public static string? Text(this JsonElement element, string property) => element.GetProperty(property).GetString();
}
