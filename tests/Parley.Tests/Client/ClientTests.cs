using System.Net.Http.Json;
using Parley.Client;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Client;

/// <summary>Parley.Client against a real Parley: paging, refresh on 401, error mapping, streaming and resume.</summary>
public abstract class ClientTests(ParleyApp app)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Counts the requests the client really sends (paging must fetch lazily, refresh must happen once).</summary>
    private sealed class Counter() : DelegatingHandler(new SocketsHttpHandler { UseCookies = false })
    {
        public int Requests;
        public int Refreshes;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);
            if (request.RequestUri!.AbsolutePath.EndsWith("/auth/refresh", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref Refreshes);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    private (ParleyClient Client, Counter Counter) Connect(ParleyTokens? tokens = null)
    {
        var counter = new Counter();
        var client = new ParleyClient(new HttpClient(counter) { BaseAddress = app.BaseAddress });
        client.UseTokens(tokens);
        return (client, counter);
    }

    private (ParleyClient Client, Counter Counter) Connect(TestUser user) => Connect(new ParleyTokens(user.AccessToken, user.RefreshToken));

    [Fact]
    public async Task Paging_walks_every_page_lazily_and_in_order()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var user = await app.CreateUserAsync(admin);
        var (client, counter) = Connect(user);
        for (var i = 0; i < 23; i++)
        {
            await client.Tickets.CreateAsync(new { title = $"Ticket {i:D2}" });
        }

        var before = counter.Requests;
        var all = await client.Tickets.ListAllAsync(new ListQuery { Size = 5, Sort = "title:asc" }).ToListAsync();
        Assert.Equal(5, counter.Requests - before);
        Assert.Equal(Enumerable.Range(0, 23).Select(i => $"Ticket {i:D2}"), all.Select(t => t.Title));
        Assert.Equal(23, all.Select(t => t.Id).Distinct().Count());

        before = counter.Requests;
        var firstThree = await client.Tickets.ListAllAsync(new ListQuery { Size = 5, Sort = "title:asc" }).Take(3).ToListAsync();
        Assert.Equal(3, firstThree.Count);
        Assert.Equal(1, counter.Requests - before);

        var page = await client.Tickets.ListAsync(new ListQuery { Page = 5, Size = 5 });
        Assert.Equal(23, page.Total);
        Assert.Equal(3, page.Items.Count);
        Assert.False(page.HasNext);
        Assert.True(page.HasPrev);
    }

    [Fact]
    public async Task A_401_refreshes_once_for_concurrent_callers_and_the_requests_are_retried()
    {
        var user = await app.RegisterAsync();
        var (client, counter) = Connect(new ParleyTokens("expired-or-garbled", user.RefreshToken));
        var seen = new List<ParleyTokens?>();
        client.TokensChanged += seen.Add;

        // Five requests at once with a dead access token: one refresh serves them all. A second refresh
        // would present the rotated-away refresh token, which the server treats as theft and revokes the session.
        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => client.Auth.MeAsync()));
        Assert.All(results, me => Assert.Equal(user.Id, me.Id));
        Assert.Equal(1, counter.Refreshes);
        var renewed = Assert.Single(seen);
        Assert.NotNull(renewed);
        Assert.NotEqual(user.RefreshToken, renewed.RefreshToken);

        // The rotated tokens keep working, and a refresh on demand rotates again.
        Assert.True(await client.Auth.RefreshAsync());
        Assert.Equal(user.Id, (await client.Auth.MeAsync()).Id);
    }

    [Fact]
    public async Task An_ended_login_is_a_401_ParleyApiException_and_the_tokens_are_forgotten()
    {
        var user = await app.RegisterAsync();
        var (client, _) = Connect(user);
        await client.Auth.LogoutAsync();
        Assert.Null(client.Credentials);

        var (stale, _) = Connect(new ParleyTokens(user.AccessToken, user.RefreshToken));
        ParleyTokens? last = new("x", "y");
        stale.TokensChanged += t => last = t;
        var error = await Assert.ThrowsAsync<ParleyApiException>(() => stale.Auth.MeAsync());
        Assert.Equal(401, error.Status);
        Assert.Equal("AUTHENTICATION_ERROR", error.Code);
        Assert.Null(last);
        Assert.Null(stale.Credentials);
    }

    [Fact]
    public async Task Login_with_password_and_with_an_api_key()
    {
        var user = await app.RegisterAsync();
        var (client, _) = Connect();
        var login = await client.Auth.LoginAsync(user.Email, user.Password);
        Assert.Equal(user.Id, login.User!.Id);
        var key = await client.ApiKeys.CreateAsync("ci");
        Assert.StartsWith("prk_", key.Key);

        var (keyed, _) = Connect();
        keyed.UseApiKey(key.Key!);
        Assert.Equal(user.Id, (await keyed.Auth.MeAsync()).Id);
        var keys = await keyed.ApiKeys.ListAsync();
        Assert.Contains(keys.Items, k => k.Id == key.Id && k.Key is null);
    }

    [Fact]
    public async Task Errors_map_to_one_exception_with_code_message_details_and_request_id()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var user = await app.CreateUserAsync(admin);
        var (client, _) = Connect(user);

        var missing = await Assert.ThrowsAsync<ParleyApiException>(() => client.Conversations.GetAsync(Guid.NewGuid()));
        Assert.Equal(404, missing.Status);
        Assert.Equal("NOT_FOUND", missing.Code);
        Assert.StartsWith("req_", missing.RequestId);
        Assert.False(string.IsNullOrWhiteSpace(missing.Message));

        var invalid = await Assert.ThrowsAsync<ParleyApiException>(() => client.Tickets.CreateAsync(new { description = "no title" }));
        Assert.Equal(422, invalid.Status);
        Assert.Equal("VALIDATION_ERROR", invalid.Code);
        Assert.Contains(invalid.Details, d => d.Field == "title");
        Assert.Contains("title", invalid.ToDisplayString(), StringComparison.Ordinal);

        var refused = await Assert.ThrowsAsync<ParleyApiException>(() => client.Users.ListAsync());
        Assert.Equal(403, refused.Status);
        Assert.Equal("AUTHORIZATION_ERROR", refused.Code);

        var badQuery = await Assert.ThrowsAsync<ParleyApiException>(() => client.Tickets.ListAsync(new ListQuery { Sort = "nonsense:asc" }));
        Assert.Equal("INVALID_QUERY", badQuery.Code);

        // Nothing listens on a port that was just free: the same exception, status 0.
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        using var nowhere = new ParleyClient(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") });
        var unreachable = await Assert.ThrowsAsync<ParleyApiException>(() => nowhere.Operations.HealthAsync());
        Assert.Equal(0, unreachable.Status);
        Assert.Equal(ParleyApiException.Unreachable, unreachable.Code);
    }

    [Fact]
    public async Task A_streamed_turn_yields_tokens_then_the_final_turn()
    {
        var user = await app.RegisterAsync();
        var (client, _) = Connect(user);
        var events = await client.Chat.StreamAsync("Hello, how do I reset my password?").ToListAsync();
        Assert.Contains(events, e => e.Type == "token" && !string.IsNullOrEmpty(e.Content));
        var final = Assert.Single(events, e => e.Type == "final");
        Assert.Same(final, events[^1]);
        var turn = final.AsTurn()!;
        Assert.False(string.IsNullOrWhiteSpace(turn.Response));
        Assert.Equal(2, final.Sequence);

        var history = await client.Chat.HistoryAsync(turn.SessionId);
        Assert.Equal(2, history.TotalMessages);
    }

    [Fact]
    public async Task Following_over_sse_resumes_after_a_sequence_without_gaps_or_duplicates()
    {
        var user = await app.RegisterAsync();
        var (client, _) = Connect(user);
        var first = await client.Chat.SendAsync("What are your opening hours?");
        await client.Chat.SendAsync("And on Sundays?", first.SessionId.ToString());

        using var timeout = new CancellationTokenSource(Patience);
        var seen = new List<int>();
        await foreach (var e in client.Conversations.FollowAsync(first.SessionId, lastSequence: 1, cancellationToken: timeout.Token))
        {
            if (e.Type != "message")
            {
                continue;
            }

            seen.Add(e.Sequence!.Value);
            Assert.Equal(e.Sequence, e.AsMessage()!.Sequence);
            if (seen.Count == 3)
            {
                // The replay (2, 3, 4) is done: what follows is live.
                await client.Chat.SendAsync("Thanks", first.SessionId.ToString());
            }

            if (seen.Count == 5)
            {
                break;
            }
        }

        Assert.Equal([2, 3, 4, 5, 6], seen);
    }

    [Fact]
    public async Task A_socket_turn_streams_and_a_reconnect_resumes_with_what_was_missed()
    {
        var user = await app.RegisterAsync();
        var (client, _) = Connect(user);
        var conversation = await client.Conversations.CreateAsync(title: "socket");
        using var timeout = new CancellationTokenSource(Patience);

        await using var socket = await client.Conversations.ConnectAsync(conversation.Id, lastSequence: 0, timeout.Token);
        await socket.SendMessageAsync("Hello there", timeout.Token);
        var types = new List<string>();
        await foreach (var e in socket.ReadEventsAsync(timeout.Token))
        {
            types.Add(e.Type);
            if (e.Type == "final")
            {
                Assert.False(string.IsNullOrWhiteSpace(e.AsTurn()!.Response));
                break;
            }
        }

        Assert.Contains("token", types);

        // The bot's message (2) reaches the socket as a stored message; wait for it, then drop the connection.
        while (socket.LastSequence < 2)
        {
            await foreach (var e in socket.ReadEventsAsync(timeout.Token))
            {
                if (e.Type == "message")
                {
                    break;
                }
            }
        }

        await socket.CloseAsync(timeout.Token);
        await client.Chat.SendAsync("Are you still there?", conversation.Id.ToString(), timeout.Token);
        await socket.ReconnectAsync(timeout.Token);
        var replayed = new List<int>();
        await foreach (var e in socket.ReadEventsAsync(timeout.Token))
        {
            if (e.Type == "message")
            {
                replayed.Add(e.Sequence!.Value);
                if (replayed.Count == 2)
                {
                    break;
                }
            }
        }

        Assert.Equal([3, 4], replayed);
        Assert.Equal(4, socket.LastSequence);
    }

    [Fact]
    public async Task Knowledge_upload_reports_progress_and_the_source_becomes_searchable()
    {
        var admin = await app.CreateTenantWithAdminAsync();
        var (client, _) = Connect(new ParleyTokens(admin.AccessToken, admin.RefreshToken));
        var text = "Parcels to Iceland travel by sea freight and arrive within twelve working days. " + new string('x', 100_000);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
        var reported = new List<long>();
        var accepted = await client.Knowledge.UploadAsync(stream, "shipping.txt", progress: new SyncProgress<long>(reported.Add));
        Assert.Equal(stream.Length, reported[^1]);
        Assert.True(reported.Count > 1);

        using var timeout = new CancellationTokenSource(Patience);
        var status = await client.Knowledge.WaitUntilSettledAsync(accepted.Id, cancellationToken: timeout.Token);
        Assert.Equal("ready", status.Status);
        var hits = await client.Knowledge.SearchAsync("Iceland sea freight");
        Assert.Contains(hits.Results, h => h.SourceId == accepted.Id);
        var sources = await client.Knowledge.ListAllAsync().ToListAsync();
        Assert.Contains(sources, s => s.Id == accepted.Id && s.Status == "ready");
    }

    /// <summary>Progress{T} posts to the thread pool; this reports inline so the list is complete when the upload returns.</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

public sealed class SqliteClientTests(SqliteApp app) : ClientTests(app), IClassFixture<SqliteApp>;

public sealed class PostgresClientTests(PostgresApp app) : ClientTests(app), IClassFixture<PostgresApp>;
