using System.Net.Http.Json;
using System.Security.Cryptography;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Realtime;

/// <summary>Two Parley instances over one PostgreSQL: events cross between them by LISTEN/NOTIFY.</summary>
public sealed class MultiInstanceTests : IAsyncLifetime
{
    private readonly string _database = PostgresDatabases.Create();
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
    private SharedDatabaseApp _first = null!;
    private SharedDatabaseApp _second = null!;

    public sealed class SharedDatabaseApp(string database, string key) : ParleyApp
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            [new("Parley:Database:Postgres", database), new("Parley:Auth:SigningKey", key)];
    }

    public async Task InitializeAsync()
    {
        _first = new SharedDatabaseApp(_database, _key);
        await _first.InitializeAsync();
        _second = new SharedDatabaseApp(_database, _key) { RegisterAdminOnStart = false };
        await _second.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
        PostgresDatabases.Drop(_database);
    }

    [Fact]
    public async Task A_turn_on_one_instance_reaches_a_socket_on_the_other()
    {
        var user = await _first.RegisterAsync();
        var id = (await Json.ReadAsync(await user.Client.PostAsync("/conversations", null), 201)).GetProperty("conversation_id").GetGuid();

        await using var socket = await SocketClient.ConnectAsync(_second, $"/ws/chat/{id}", user.AccessToken);
        await socket.NextAsync("connection_established");

        await Json.ReadAsync(await user.Client.PostAsJsonAsync($"/conversations/{id}/messages", new { message = "hello from the first instance" }), 200);
        var fromUser = await socket.NextAsync("message", e => e.GetProperty("message_type").GetString() == "user");
        Assert.Equal("hello from the first instance", fromUser.GetProperty("content").GetString());
        var fromBot = await socket.NextAsync("message", e => e.GetProperty("message_type").GetString() == "bot");
        Assert.Equal(2, fromBot.GetProperty("sequence").GetInt32());
    }
}
