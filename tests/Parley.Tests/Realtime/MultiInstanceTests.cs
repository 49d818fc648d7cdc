using System.Net.Http.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Realtime;

/// <summary>Two Parley instances over one PostgreSQL: events cross between them by LISTEN/NOTIFY.</summary>
public sealed class MultiInstanceTests : TwoInstances
{
    [Fact]
    public async Task A_turn_on_one_instance_reaches_a_socket_on_the_other()
    {
        var user = await First.RegisterAsync();
        var id = (await Json.ReadAsync(await user.Client.PostAsync("/conversations", null), 201)).GetProperty("conversation_id").GetGuid();

        await using var socket = await SocketClient.ConnectAsync(Second, $"/ws/chat/{id}", user.AccessToken);
        await socket.NextAsync("connection_established");

        await Json.ReadAsync(await user.Client.PostAsJsonAsync($"/conversations/{id}/messages", new { message = "hello from the first instance" }), 200);
        var fromUser = await socket.NextAsync("message", e => e.GetProperty("message_type").GetString() == "user");
        Assert.Equal("hello from the first instance", fromUser.GetProperty("content").GetString());
        var fromBot = await socket.NextAsync("message", e => e.GetProperty("message_type").GetString() == "bot");
        Assert.Equal(2, fromBot.GetProperty("sequence").GetInt32());
    }
}
