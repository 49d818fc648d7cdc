using System.Net.Http.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Conversations;

/// <summary><c>GET /conversations/{id}/messages</c> on both prefixes, and how the OpenAPI document describes it.</summary>
public sealed class ConversationMessagesTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Theory]
    [InlineData("/api/v1")]
    [InlineData("")]
    public async Task A_conversations_messages_are_listed_by_the_id_in_the_path(string prefix)
    {
        var user = await app.RegisterAsync();
        var id = (await Json.ReadAsync(await user.Client.PostAsync($"{prefix}/conversations", null), 201)).GetProperty("conversation_id").GetGuid();
        await Json.ReadAsync(await user.Client.PostAsJsonAsync($"{prefix}/conversations/{id}/messages", new { message = "Where is my order?" }), 200);

        var page = await Json.ReadAsync(await user.Client.GetAsync($"{prefix}/conversations/{id}/messages"), 200);
        var texts = page.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("content").GetString()).ToList();
        Assert.Contains("Where is my order?", texts);
        await Json.ReadErrorAsync(await user.Client.GetAsync($"{prefix}/conversations/{Guid.NewGuid()}/messages"), 404);
        var stranger = await app.RegisterAsync();
        await Json.ReadErrorAsync(await stranger.Client.GetAsync($"{prefix}/conversations/{id}/messages"), 404);
    }

    [Fact]
    public async Task The_openapi_document_declares_the_conversation_id_as_a_path_parameter()
    {
        var doc = await Json.ReadAsync(await app.Anonymous().GetAsync("/openapi.json"), 200);
        var list = doc.GetProperty("paths").GetProperty("/api/v1/conversations/{id}/messages").GetProperty("get");
        var parameters = list.GetProperty("parameters").EnumerateArray().ToList();
        Assert.Contains(parameters, p => p.GetProperty("name").GetString() == "id" && p.GetProperty("in").GetString() == "path");
        Assert.DoesNotContain(parameters, p => p.GetProperty("in").GetString() == "query" && p.GetProperty("name").GetString() is "sessionId" or "id");
    }
}
