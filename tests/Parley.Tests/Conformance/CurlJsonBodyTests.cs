using System.Text;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Conformance;

/// <summary>
/// The Three-Database Chatbot's <c>curl -X POST .../chat/message -H "Authorization: Bearer $TOKEN" -d '{"message": ...}'</c>
/// sends no content type, so curl labels the JSON as a form (issue 19). Before, that answered 415.
/// </summary>
public sealed class CurlJsonBodyTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private static StringContent FormLabelled(string text) => new(text, Encoding.UTF8, "application/x-www-form-urlencoded");

    [Fact]
    public async Task Json_labelled_as_a_form_is_read_as_json_by_json_endpoints()
    {
        var user = await app.RegisterAsync();
        var turn = await Json.ReadAsync(await user.Client.PostAsync("/chat/message",
            FormLabelled("""{"message": "What was my last analysis about?", "session_id": "cli-session-1"}""")), 200);
        Assert.False(string.IsNullOrEmpty(turn.GetProperty("response").GetString()));

        // A real form body is still refused by a JSON endpoint, in the error envelope.
        await Json.ReadErrorAsync(await user.Client.PostAsync("/chat/message", FormLabelled("message=hello")), 415);
        // Login takes forms and keeps reading them as forms.
        await Json.ReadAsync(await app.Anonymous().PostAsync("/api/v1/auth/login",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = user.Email, ["password"] = user.Password })), 200);
    }
}
