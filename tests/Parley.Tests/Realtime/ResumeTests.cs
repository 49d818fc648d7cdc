using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Realtime;

/// <summary>
/// A conversation with a long backlog, built once per app. The resume window is set below the
/// backlog so the "too far behind" case needs 1,300 messages, not 10,000.
/// </summary>
public interface IBacklogApp
{
    public const int MaxResume = 1_250;
    public const int Messages = 1_300;

    ParleyApp App { get; }

    Task<(Guid Id, TestUser User)> BacklogAsync();

    internal static IEnumerable<KeyValuePair<string, string?>> ResumeSettings() =>
        [new("Parley:Realtime:MaxResumeMessages", MaxResume.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    internal static async Task<(Guid Id, TestUser User)> BuildAsync(ParleyApp app)
    {
        var user = await app.RegisterAsync();
        var id = (await Json.ReadAsync(await user.Client.PostAsync("/api/v1/conversations", null), 201)).GetProperty("conversation_id").GetGuid();
        // A few writers at once: the server orders them (one sequence each), the test only needs the count.
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= Messages)
            {
                await Json.ReadAsync(await user.Client.PostAsJsonAsync("/api/v1/messages/send", new { session_id = id, content = "backlog message" }), 201);
            }
        }));
        return (id, user);
    }
}

public sealed class BacklogSqliteApp : ParleyApp, IBacklogApp
{
    private readonly Lazy<Task<(Guid, TestUser)>> _backlog;

    public BacklogSqliteApp() => _backlog = new(() => IBacklogApp.BuildAsync(this));

    public ParleyApp App => this;

    public Task<(Guid Id, TestUser User)> BacklogAsync() => _backlog.Value;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => IBacklogApp.ResumeSettings();
}

public sealed class BacklogPostgresApp : ParleyApp, IBacklogApp
{
    private readonly string _database = PostgresDatabases.Create();
    private readonly Lazy<Task<(Guid, TestUser)>> _backlog;

    public BacklogPostgresApp() => _backlog = new(() => IBacklogApp.BuildAsync(this));

    public ParleyApp App => this;

    public Task<(Guid Id, TestUser User)> BacklogAsync() => _backlog.Value;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Parley:Database:Postgres", _database), .. IBacklogApp.ResumeSettings()];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        PostgresDatabases.Drop(_database);
    }
}

/// <summary>
/// A client that comes back after missing hundreds of messages gets every one of them, in order,
/// over a socket or server-sent events; one too far behind is told where to fetch the rest.
/// </summary>
public abstract class ResumeTests(IBacklogApp fixture)
{
    private const int Total = IBacklogApp.Messages;
    private ParleyApp App => fixture.App;

    [Theory]
    [InlineData(300)]
    [InlineData(1_200)]
    public async Task A_socket_resuming_gets_every_missed_message_in_order(int missed)
    {
        var (id, user) = await fixture.BacklogAsync();
        await using var socket = await SocketClient.ConnectAsync(App, $"/ws/chat/{id}?last_sequence={Total - missed}", user.AccessToken);
        Assert.Equal(Total, (await socket.NextAsync("connection_established")).GetProperty("sequence").GetInt32());

        var sequences = new List<int>();
        for (var i = 0; i < missed; i++)
        {
            sequences.Add((await socket.NextAsync("message")).GetProperty("sequence").GetInt32());
        }

        Assert.Equal(Enumerable.Range(Total - missed + 1, missed), sequences);
        await socket.SendAsync(new { type = "ping" });
        await socket.NextAsync("pong");
        Assert.DoesNotContain(socket.Seen, e => e.GetProperty("type").GetString() is "resync_required" or "error");
    }

    [Fact]
    public async Task A_socket_too_far_behind_is_told_so_and_the_rest_pages_over_rest()
    {
        var (id, user) = await fixture.BacklogAsync();
        await using var socket = await SocketClient.ConnectAsync(App, $"/ws/chat/{id}?last_sequence=0", user.AccessToken);
        var resync = await socket.NextAsync("resync_required");
        var oldest = AssertResync(resync, after: 0);

        var sequences = new List<int>();
        for (var i = 0; i < IBacklogApp.MaxResume; i++)
        {
            sequences.Add((await socket.NextAsync("message")).GetProperty("sequence").GetInt32());
        }

        Assert.Equal(Enumerable.Range(oldest, IBacklogApp.MaxResume), sequences);
        Assert.Equal(Enumerable.Range(1, oldest - 1), await FetchAsync(user, resync.GetProperty("fetch").GetString()!, oldest));
    }

    [Theory]
    [InlineData(300)]
    [InlineData(1_200)]
    public async Task Server_sent_events_resuming_get_every_missed_message_in_order(int missed)
    {
        var (id, user) = await fixture.BacklogAsync();
        var events = await FollowAsync(user, id, Total - missed, missed);
        Assert.All(events, e => Assert.Equal("message", e.Event));
        Assert.Equal(Enumerable.Range(Total - missed + 1, missed), events.Select(e => int.Parse(e.Id!, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Server_sent_events_too_far_behind_are_told_so_and_the_rest_pages_over_rest()
    {
        var (id, user) = await fixture.BacklogAsync();
        var events = await FollowAsync(user, id, 0, IBacklogApp.MaxResume + 1);
        Assert.Equal("resync_required", events[0].Event);
        var oldest = AssertResync(events[0].Data, after: 0);
        Assert.Equal(Enumerable.Range(oldest, IBacklogApp.MaxResume), events.Skip(1).Select(e => int.Parse(e.Id!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(Enumerable.Range(1, oldest - 1), await FetchAsync(user, events[0].Data.GetProperty("fetch").GetString()!, oldest));
    }

    private static int AssertResync(JsonElement resync, int after)
    {
        Assert.Equal(after, resync.GetProperty("last_sequence").GetInt32());
        Assert.Equal(Total, resync.GetProperty("latest_sequence").GetInt32());
        Assert.Equal(IBacklogApp.MaxResume, resync.GetProperty("max_resume").GetInt32());
        var oldest = resync.GetProperty("oldest_sequence").GetInt32();
        Assert.Equal(Total - IBacklogApp.MaxResume + 1, oldest);
        return oldest;
    }

    /// <summary>Pages the REST list the resync event points to, up to (not including) the oldest sequence the stream sent.</summary>
    private static async Task<List<int>> FetchAsync(TestUser user, string fetch, int before)
    {
        var sequences = new List<int>();
        while (true)
        {
            var page = await Json.ReadAsync(await user.Client.GetAsync($"{fetch}&offset={sequences.Count}"), 200);
            var items = page.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("sequence").GetInt32()).ToList();
            var wanted = items.Where(s => s < before).ToList();
            sequences.AddRange(wanted);
            if (wanted.Count < items.Count || !page.GetProperty("has_next").GetBoolean())
            {
                return sequences;
            }
        }
    }

    private static async Task<List<(string Event, string? Id, JsonElement Data)>> FollowAsync(TestUser user, Guid id, int lastEventId, int count)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/conversations/{id}/events");
        request.Headers.Add("Last-Event-ID", lastEventId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await user.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        var events = new List<(string, string?, JsonElement)>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string? name = null, eventId = null, data = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (events.Count < count)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Got {events.Count} of {count} events in 60 s; the last: {events.LastOrDefault().Item2}.");
            }

            if (line is null) { break; }
            if (line.StartsWith("event: ", StringComparison.Ordinal)) { name = line[7..]; }
            else if (line.StartsWith("id: ", StringComparison.Ordinal)) { eventId = line[4..]; }
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) { data = line[6..]; }
            else if (line.Length == 0 && data is not null)
            {
                events.Add((name ?? "message", eventId, JsonDocument.Parse(data).RootElement.Clone()));
                (name, eventId, data) = (null, null, null);
            }
        }

        Assert.Equal(count, events.Count);
        return events;
    }
}

public sealed class SqliteResumeTests(BacklogSqliteApp app) : ResumeTests(app), IClassFixture<BacklogSqliteApp>;

public sealed class PostgresResumeTests(BacklogPostgresApp app) : ResumeTests(app), IClassFixture<BacklogPostgresApp>;
