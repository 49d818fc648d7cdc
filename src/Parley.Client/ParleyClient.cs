using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Parley.Client;

/// <summary>
/// The typed client of Parley's public API. The <see cref="HttpClient"/> is injected (its
/// <c>BaseAddress</c> is the server, e.g. <c>http://localhost:8000/</c>), so it works in any .NET
/// app and in Blazor WebAssembly. Requests go to <c>/api/v1</c>. With login tokens, a 401 refreshes
/// once (one refresh at a time, shared by concurrent callers) and the request is sent again.
/// </summary>
public sealed partial class ParleyClient : IDisposable
{
    private const string Prefix = "api/v1/";
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private ParleyCredentials? _credentials;

    public ParleyClient(HttpClient http, ParleyCredentials? credentials = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.BaseAddress is null)
        {
            throw new ArgumentException("The HttpClient needs a BaseAddress (the Parley server).", nameof(http));
        }

        Http = http;
        _credentials = credentials;
        Auth = new AuthResource(this);
        Chat = new ChatResource(this);
        Conversations = new ConversationsResource(this);
        Handoff = new HandoffResource(this);
        Desk = new DeskResource(this);
        CannedResponses = new CrudResource<CannedResponse>(this, "canned-responses");
        Tickets = new TicketsResource(this);
        Knowledge = new KnowledgeResource(this);
        Assistants = new CrudResource<Assistant>(this, "assistants");
        Tools = new ToolsResource(this);
        Integrations = new IntegrationsResource(this);
        Webhooks = new WebhooksResource(this);
        Users = new CrudResource<User>(this, "users");
        ApiKeys = new ApiKeysResource(this);
        Tenants = new TenantsResource(this);
        Plans = new PlansResource(this);
        Analytics = new AnalyticsResource(this);
        Notifications = new NotificationsResource(this);
        Tasks = new TasksResource(this);
        Operations = new OperationsResource(this);
        WidgetChannels = new WidgetChannelsResource(this);
    }

    public HttpClient Http { get; }

    public Uri BaseAddress => Http.BaseAddress!;

    public ParleyCredentials? Credentials => _credentials;

    /// <summary>Called after a login or a refresh with the new tokens, and with null after logout or a failed refresh.</summary>
    public event Action<ParleyTokens?>? TokensChanged;

    public AuthResource Auth { get; }
    public ChatResource Chat { get; }
    public ConversationsResource Conversations { get; }
    public HandoffResource Handoff { get; }
    public DeskResource Desk { get; }
    public CrudResource<CannedResponse> CannedResponses { get; }
    public TicketsResource Tickets { get; }
    public KnowledgeResource Knowledge { get; }
    public CrudResource<Assistant> Assistants { get; }
    public ToolsResource Tools { get; }
    public IntegrationsResource Integrations { get; }
    public WebhooksResource Webhooks { get; }
    public CrudResource<User> Users { get; }
    public ApiKeysResource ApiKeys { get; }
    public TenantsResource Tenants { get; }
    public PlansResource Plans { get; }
    public AnalyticsResource Analytics { get; }
    public NotificationsResource Notifications { get; }
    public TasksResource Tasks { get; }
    public OperationsResource Operations { get; }
    public WidgetChannelsResource WidgetChannels { get; }

    /// <summary>Releases the refresh gate; the injected HttpClient belongs to the caller and stays open.</summary>
    public void Dispose() => _refreshGate.Dispose();

    public void UseApiKey(string key) => _credentials = new ParleyCredentials.ApiKey(key);

    public void UseTokens(ParleyTokens? tokens) => _credentials = tokens is null ? null : new ParleyCredentials.Tokens(tokens);

    internal void SetTokens(ParleyTokens? tokens)
    {
        UseTokens(tokens);
        TokensChanged?.Invoke(tokens);
    }

    /// <summary>The bearer value to put in a socket or event-stream URL (<c>?token=</c>): the access token or the API key.</summary>
    public string? CurrentToken => _credentials switch
    {
        ParleyCredentials.Tokens t => t.Value.AccessToken,
        ParleyCredentials.ApiKey k => k.Key,
        _ => null,
    };

    internal static string Path(string relative) => Prefix + relative.TrimStart('/');

    // ---- sending ----

    internal Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
        => SendJsonAsync<T>(HttpMethod.Get, path, null, cancellationToken);

    internal async Task<T> SendJsonAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => Request(method, path, body), HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<T>(response, cancellationToken).ConfigureAwait(false);
    }

    internal async Task SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => Request(method, path, body), HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }

    internal static HttpRequestMessage Request(HttpMethod method, string path, object? body)
    {
        var request = new HttpRequestMessage(method, Path(path));
        if (body is not null)
        {
            request.Content = body as HttpContent ?? JsonContent.Create(body, body.GetType(), options: ParleyJson.Options);
        }

        return request;
    }

    internal static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (typeof(T) == typeof(JsonElement) && response.Content.Headers.ContentLength == 0)
        {
            return default!;
        }

        try
        {
            var value = await response.Content.ReadFromJsonAsync<T>(ParleyJson.Options, cancellationToken).ConfigureAwait(false);
            return value ?? throw new ParleyApiException((int)response.StatusCode, "BAD_RESPONSE", "The server answered an empty body.");
        }
        catch (JsonException e)
        {
            throw new ParleyApiException((int)response.StatusCode, "BAD_RESPONSE", "The server's answer could not be read: " + e.Message, inner: e);
        }
    }

    /// <summary>
    /// Sends a request built by <paramref name="build"/> (called again for the retry after a refresh,
    /// since a sent request cannot be reused) and throws <see cref="ParleyApiException"/> on any error status.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(build);
        var usedTokens = _credentials as ParleyCredentials.Tokens;
        var response = await SendOnceAsync(build(), completion, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized && usedTokens?.Value.RefreshToken is not null)
        {
            if (await RefreshAfterAsync(usedTokens.Value, cancellationToken).ConfigureAwait(false))
            {
                response.Dispose();
                response = await SendOnceAsync(build(), completion, cancellationToken).ConfigureAwait(false);
            }
        }

        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ParleyApiException.FromResponseAsync(response, cancellationToken).ConfigureAwait(false);
            }
        }

        return response;
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        using (request)
        {
            switch (_credentials)
            {
                case ParleyCredentials.Tokens t:
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", t.Value.AccessToken);
                    break;
                case ParleyCredentials.ApiKey k:
                    request.Headers.TryAddWithoutValidation("X-API-Key", k.Key);
                    break;
            }

            // Blazor WebAssembly buffers responses unless asked to stream (the key its SetBrowserResponseStreamingEnabled sets).
            request.Options.Set(new HttpRequestOptionsKey<bool>("WebAssemblyEnableStreamingResponse"), true);
            try
            {
                return await Http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw new ParleyApiException(0, ParleyApiException.Unreachable, $"Cannot reach the Parley server at {BaseAddress}: {e.Message}", inner: e);
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ParleyApiException(0, ParleyApiException.Unreachable, $"The Parley server at {BaseAddress} did not answer in time.", inner: e);
            }
        }
    }

    /// <summary>
    /// Refreshes the tokens that just got a 401, unless another caller already did (then its new
    /// tokens are used). False when there is nothing to refresh with or the refresh was refused.
    /// </summary>
    private async Task<bool> RefreshAfterAsync(ParleyTokens failed, CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_credentials is ParleyCredentials.Tokens current && !ReferenceEquals(current.Value, failed))
            {
                return true;
            }

            return await RefreshCoreAsync(failed.RefreshToken!, cancellationToken).ConfigureAwait(false) is not null;
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    internal async Task<ParleyTokens?> RefreshCoreAsync(string refreshToken, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Post, "auth/refresh", new { refresh_token = refreshToken });
        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new ParleyApiException(0, ParleyApiException.Unreachable, $"Cannot reach the Parley server at {BaseAddress}: {e.Message}", inner: e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    SetTokens(null);
                    return null;
                }

                throw await ParleyApiException.FromResponseAsync(response, cancellationToken).ConfigureAwait(false);
            }

            var login = await ReadAsync<LoginResult>(response, cancellationToken).ConfigureAwait(false);
            var tokens = login.ToTokens(refreshToken);
            SetTokens(tokens);
            return tokens;
        }
    }

    // ---- paging ----

    /// <summary>One page of a list endpoint.</summary>
    internal Task<PageOf<T>> PageAsync<T>(string path, ListQuery? query, CancellationToken cancellationToken)
        => GetAsync<PageOf<T>>(path + (query ?? new ListQuery()).ToQueryString(path.Contains('?', StringComparison.Ordinal)), cancellationToken);

    /// <summary>Every item of a list endpoint, fetching the next page only when the caller reaches it.</summary>
    internal async IAsyncEnumerable<T> AllAsync<T>(string path, ListQuery? query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var q = query ?? new ListQuery();
        var page = q.Page ?? 1;
        while (true)
        {
            var result = await PageAsync<T>(path, q with { Page = page, Size = q.Size ?? 100 }, cancellationToken).ConfigureAwait(false);
            foreach (var item in result.Items)
            {
                yield return item;
            }

            if (!result.HasNext || result.Items.Count == 0)
            {
                yield break;
            }

            page++;
        }
    }
}
