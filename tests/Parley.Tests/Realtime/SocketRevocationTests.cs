using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Realtime;

/// <summary>
/// An open socket lives only as long as the credentials it was opened with: logging out, a
/// deactivated user or a deactivated tenant closes it (an error frame, then 1008) and nothing of the
/// conversation reaches it afterwards. No timing: the content is published after the revocation and
/// the test reads until the server closes the socket (failing after 15 s if it never does).
/// </summary>
public sealed class SocketRevocationTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task Logging_out_closes_the_sessions_sockets_and_they_hear_nothing_more()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var id = await NewConversationAsync(customer);
        await using var conversation = await ConnectedAsync($"/ws/chat/{id}", customer.AccessToken);
        await using var tenant = await ConnectedAsync("/ws", customer.AccessToken);

        await Json.ReadAsync(await customer.Client.PostAsync("/api/v1/auth/logout", null), 200);
        await Json.ReadErrorAsync(await customer.Client.GetAsync("/api/v1/auth/me"), 401);
        await SendAgentMessageAsync(admin, id, "said after the logout");

        await AssertRevokedAsync(conversation, "said after the logout");
        await AssertRevokedAsync(tenant, "said after the logout");
    }

    [Fact]
    public async Task Deactivating_a_user_closes_their_sockets()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var agent = await app.CreateUserAsync(admin, "agent");
        var customer = await app.CreateUserAsync(admin);
        var id = await NewConversationAsync(customer);
        await using var watching = await ConnectedAsync("/ws", agent.AccessToken);
        await using var conversation = await ConnectedAsync($"/ws/conversations/{id}", agent.AccessToken);

        await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/users/{agent.Id}", new { is_active = false }), 200);
        await SendAgentMessageAsync(admin, id, "said after the deactivation");

        await AssertRevokedAsync(watching, "said after the deactivation");
        await AssertRevokedAsync(conversation, "said after the deactivation");
    }

    [Fact]
    public async Task Deactivating_a_tenant_closes_every_socket_of_it()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var id = await NewConversationAsync(customer);
        await using var adminSocket = await ConnectedAsync($"/ws/chat/{id}", admin.AccessToken);
        await using var customerSocket = await ConnectedAsync("/ws", customer.AccessToken);

        await Json.ReadAsync(await app.Admin.Client.PutAsJsonAsync($"/api/v1/tenants/{admin.TenantId}", new { is_active = false }), 200);

        await AssertRevokedAsync(adminSocket, null);
        await AssertRevokedAsync(customerSocket, null);
    }

    [Fact]
    public async Task Changing_a_users_role_closes_their_sockets()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var agent = await app.CreateUserAsync(admin, "agent");
        await using var watching = await ConnectedAsync("/ws", agent.AccessToken);

        await Json.ReadAsync(await admin.Client.PutAsJsonAsync($"/api/v1/users/{agent.Id}", new { role = "user" }), 200);

        await AssertRevokedAsync(watching, null);
    }

    [Fact]
    public async Task Sockets_of_other_sessions_and_users_stay_open()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var customer = await app.CreateUserAsync(admin);
        var otherSession = await app.LoginAsync(customer.Email, customer.Password);
        var id = await NewConversationAsync(customer);
        await using var kept = await ConnectedAsync($"/ws/chat/{id}", otherSession.AccessToken);
        await using var adminSocket = await ConnectedAsync($"/ws/chat/{id}", admin.AccessToken);

        await Json.ReadAsync(await customer.Client.PostAsync("/api/v1/auth/logout", null), 200);
        await SendAgentMessageAsync(admin, id, "still heard");

        var heard = await kept.NextAsync("message", m => m.GetProperty("content").GetString() == "still heard");
        Assert.Equal(WebSocketState.Open, kept.State);
        await adminSocket.SendAsync(new { type = "ping" });
        await adminSocket.NextAsync("pong");
        Assert.Equal("still heard", heard.GetProperty("content").GetString());
    }

    internal static async Task<Guid> NewConversationAsync(TestUser user)
        => (await Json.ReadAsync(await user.Client.PostAsync("/api/v1/conversations", null), 201)).GetProperty("conversation_id").GetGuid();

    internal static async Task SendAgentMessageAsync(TestUser agent, Guid id, string text)
        => await Json.ReadAsync(await agent.Client.PostAsJsonAsync("/api/v1/messages/send", new { session_id = id, content = text, message_type = "agent" }), 201);

    private async Task<SocketClient> ConnectedAsync(string path, string token) => await ConnectedAsync(app, path, token);

    internal static async Task<SocketClient> ConnectedAsync(ParleyApp app, string path, string token)
    {
        var socket = await SocketClient.ConnectAsync(app, path, token);
        await socket.NextAsync("connection_established");
        // A round trip proves the server registered the socket before the test revokes anything.
        await socket.SendAsync(new { type = "ping" });
        await socket.NextAsync("pong");
        return socket;
    }

    /// <summary>The socket gets an authentication error, is closed with 1008, and saw no content published after the revocation.</summary>
    internal static async Task AssertRevokedAsync(SocketClient socket, string? unseenContent)
    {
        var seenBefore = socket.Seen.Count;
        var status = await socket.ClosedAsync();
        var after = socket.Seen.Skip(seenBefore).ToList();
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, status);
        var error = Assert.Single(after, e => e.GetProperty("type").GetString() == "error");
        Assert.Equal("AUTHENTICATION_ERROR", error.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("error", after.Last().GetProperty("type").GetString());
        if (unseenContent is not null)
        {
            Assert.DoesNotContain(after, e => e.GetRawText().Contains(unseenContent, StringComparison.Ordinal));
        }
    }
}

/// <summary>Two instances over one PostgreSQL: revoking on one closes the sockets held by the other.</summary>
public sealed class SocketRevocationAcrossInstancesTests : TwoInstances
{
    [Fact]
    public async Task Logging_out_on_one_instance_closes_the_sessions_socket_on_the_other()
    {
        var admin = await First.CreateTenantWithAdminAsync();
        var customer = await First.CreateUserAsync(admin);
        var id = await SocketRevocationTests.NewConversationAsync(customer);
        await Json.ReadAsync(await Second.Authorized(customer.AccessToken).GetAsync("/api/v1/auth/me"), 200);
        await using var onSecond = await SocketRevocationTests.ConnectedAsync(Second, $"/ws/chat/{id}", customer.AccessToken);

        await Json.ReadAsync(await customer.Client.PostAsync("/api/v1/auth/logout", null), 200);
        await SocketRevocationTests.SendAgentMessageAsync(admin, id, "said after the logout");

        await SocketRevocationTests.AssertRevokedAsync(onSecond, "said after the logout");
        // The second instance's cached per-request check forgot the session with it.
        await Json.ReadErrorAsync(await Second.Authorized(customer.AccessToken).GetAsync("/api/v1/auth/me"), 401);
    }

    [Fact]
    public async Task Deactivating_a_tenant_on_one_instance_closes_its_sockets_on_the_other()
    {
        var admin = await First.CreateTenantWithAdminAsync();
        var agent = await First.CreateUserAsync(admin, "agent");
        await Json.ReadAsync(await Second.Authorized(agent.AccessToken).GetAsync("/api/v1/auth/me"), 200);
        await using var onSecond = await SocketRevocationTests.ConnectedAsync(Second, "/ws", agent.AccessToken);

        await Json.ReadAsync(await First.Admin.Client.PutAsJsonAsync($"/api/v1/tenants/{admin.TenantId}", new { is_active = false }), 200);

        await SocketRevocationTests.AssertRevokedAsync(onSecond, null);
    }
}
