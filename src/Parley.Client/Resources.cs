using System.Text.Json;

namespace Parley.Client;

/// <summary>Shared plumbing of the resource groups.</summary>
public abstract class ResourceBase(ParleyClient client)
{
    protected ParleyClient Client { get; } = client;

    protected static string Id(Guid id) => id.ToString("D");

    protected static string Escape(string value) => Uri.EscapeDataString(value);
}

/// <summary>A resource with the usual list / get / create / update / delete routes (bodies are anonymous objects or records, sent snake_case).</summary>
public class CrudResource<T>(ParleyClient client, string path) : ResourceBase(client)
{
    protected string Base { get; } = path;

    public Task<PageOf<T>> ListAsync(ListQuery? query = null, CancellationToken cancellationToken = default) => Client.PageAsync<T>(Base, query, cancellationToken);

    /// <summary>Every item, page after page, as the caller reads them.</summary>
    public IAsyncEnumerable<T> ListAllAsync(ListQuery? query = null, CancellationToken cancellationToken = default) => Client.AllAsync<T>(Base, query, cancellationToken);

    public Task<T> GetAsync(Guid id, CancellationToken cancellationToken = default) => Client.GetAsync<T>($"{Base}/{Id(id)}", cancellationToken);

    public Task<T> CreateAsync(object body, CancellationToken cancellationToken = default) => Client.SendJsonAsync<T>(HttpMethod.Post, Base, body, cancellationToken);

    /// <summary>PUT: the documented "update" of every resource (fields left out keep their values where the server allows).</summary>
    public Task<T> UpdateAsync(Guid id, object body, CancellationToken cancellationToken = default) => Client.SendJsonAsync<T>(HttpMethod.Put, $"{Base}/{Id(id)}", body, cancellationToken);

    public Task DeleteAsync(Guid id, CancellationToken cancellationToken = default) => Client.SendAsync(HttpMethod.Delete, $"{Base}/{Id(id)}", null, cancellationToken);
}

public sealed class AuthResource(ParleyClient client) : ResourceBase(client)
{
    /// <summary>Signs in; the client uses the tokens from now on (and <see cref="ParleyClient.TokensChanged"/> fires).</summary>
    public async Task<LoginResult> LoginAsync(string emailOrUsername, string password, CancellationToken cancellationToken = default)
    {
        var body = emailOrUsername.Contains('@', StringComparison.Ordinal)
            ? (object)new { email = emailOrUsername, password }
            : new { username = emailOrUsername, password };
        Client.UseTokens(null);
        var login = await Client.SendJsonAsync<LoginResult>(HttpMethod.Post, "auth/login", body, cancellationToken).ConfigureAwait(false);
        Client.SetTokens(login.ToTokens());
        return login;
    }

    public async Task<LoginResult> RegisterAsync(string email, string username, string password, string? fullName = null, CancellationToken cancellationToken = default)
    {
        Client.UseTokens(null);
        var login = await Client.SendJsonAsync<LoginResult>(HttpMethod.Post, "auth/register", new { email, username, password, full_name = fullName }, cancellationToken).ConfigureAwait(false);
        Client.SetTokens(login.ToTokens());
        return login;
    }

    /// <summary>Renews the access token now with the refresh token (rotated). False when the login has ended.</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken = default)
        => Client.Credentials is ParleyCredentials.Tokens { Value.RefreshToken: { } refresh }
           && await Client.RefreshCoreAsync(refresh, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>Ends the login session on the server (its refresh and access tokens stop working) and forgets the tokens.</summary>
    public async Task LogoutAsync(CancellationToken cancellationToken = default)
    {
        if (Client.Credentials is ParleyCredentials.Tokens { Value: var tokens })
        {
            try
            {
                using var response = await Client.Http.SendAsync(
                    new HttpRequestMessage(HttpMethod.Post, ParleyClient.Path("auth/logout"))
                    {
                        Content = System.Net.Http.Json.JsonContent.Create(new { refresh_token = tokens.RefreshToken }, options: ParleyJson.Options),
                        Headers = { Authorization = new("Bearer", tokens.AccessToken) },
                    }, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException)
            {
                // Forgetting the tokens locally still logs this client out; the session expires on its own.
            }
        }

        Client.SetTokens(null);
    }

    public Task<User> MeAsync(CancellationToken cancellationToken = default) => Client.GetAsync<User>("auth/me", cancellationToken);

    /// <summary><c>GET /auth/dashboard</c>: the user, usage this month, quota and limits.</summary>
    public Task<Dashboard> DashboardAsync(CancellationToken cancellationToken = default) => Client.GetAsync<Dashboard>("auth/dashboard", cancellationToken);
}

public sealed class ChatResource(ParleyClient client) : ResourceBase(client)
{
    /// <summary><c>POST /chat/message</c>: one turn, answered whole. No session id starts a conversation.</summary>
    public Task<ChatTurn> SendAsync(string message, string? sessionId = null, CancellationToken cancellationToken = default)
        => Client.SendJsonAsync<ChatTurn>(HttpMethod.Post, "chat/message", new { message, session_id = sessionId }, cancellationToken);

    /// <summary><c>POST /chat/process</c> with a context (HeliosCS).</summary>
    public Task<ChatTurn> ProcessAsync(string message, string? sessionId = null, object? context = null, CancellationToken cancellationToken = default)
        => Client.SendJsonAsync<ChatTurn>(HttpMethod.Post, "chat/process", new { message, session_id = sessionId, context }, cancellationToken);

    /// <summary><c>POST /chat/stream</c>: <c>agent_event</c>, <c>token</c>s as they are made, then <c>final</c> (the whole turn, see <see cref="ParleyEvent.AsTurn"/>).</summary>
    public IAsyncEnumerable<ParleyEvent> StreamAsync(string message, string? sessionId = null, CancellationToken cancellationToken = default)
        => Streaming.ReadSseAsync(Client, () => ParleyClient.Request(HttpMethod.Post, "chat/stream", new { message, session_id = sessionId }), cancellationToken);

    public Task<ChatHistory> HistoryAsync(Guid sessionId, CancellationToken cancellationToken = default)
        => Client.GetAsync<ChatHistory>($"chat/history/{Id(sessionId)}", cancellationToken);
}

public sealed class ConversationsResource(ParleyClient client) : CrudResource<Conversation>(client, "conversations")
{
    /// <summary>A new conversation, optionally with an assistant and a title.</summary>
    public Task<Conversation> CreateAsync(Guid? assistantId = null, string? title = null, CancellationToken cancellationToken = default)
        => Client.SendJsonAsync<Conversation>(HttpMethod.Post, Base, new { assistant_id = assistantId, title }, cancellationToken);

    public Task<PageOf<Message>> MessagesAsync(Guid id, ListQuery? query = null, CancellationToken cancellationToken = default)
        => Client.PageAsync<Message>($"{Base}/{Id(id)}/messages", query, cancellationToken);

    public IAsyncEnumerable<Message> AllMessagesAsync(Guid id, ListQuery? query = null, CancellationToken cancellationToken = default)
        => Client.AllAsync<Message>($"{Base}/{Id(id)}/messages", query, cancellationToken);

    /// <summary>
    /// Follows a conversation over server-sent events from <paramref name="lastSequence"/> (null: from now).
    /// When the stream drops it reconnects with <c>Last-Event-ID</c>, so every stored message arrives once, in order.
    /// </summary>
    public IAsyncEnumerable<ParleyEvent> FollowAsync(Guid id, int? lastSequence = null, bool reconnect = true, CancellationToken cancellationToken = default)
        => Streaming.FollowAsync(Client, $"{Base}/{Id(id)}/events", lastSequence, reconnect, cancellationToken);

    /// <summary>Opens the conversation's WebSocket (<c>/api/v1/ws/chat/{id}</c>), resuming after <paramref name="lastSequence"/> when given.</summary>
    public Task<ConversationSocket> ConnectAsync(Guid id, int? lastSequence = null, CancellationToken cancellationToken = default)
        => ConversationSocket.ConnectAsync(Client, id, lastSequence, cancellationToken);

    /// <summary>Asks for a person (the conversation enters the handoff queue).</summary>
    public Task<JsonElement> EscalateAsync(Guid id, string? reason = null, CancellationToken cancellationToken = default)
        => Client.SendJsonAsync<JsonElement>(HttpMethod.Post, $"{Base}/{Id(id)}/escalate", new { reason }, cancellationToken);
}

public sealed class HandoffResource(ParleyClient client) : ResourceBase(client)
{
    public Task<PageOf<Conversation>> QueueAsync(ListQuery? query = null, CancellationToken cancellationToken = default) => Client.PageAsync<Conversation>("handoff/queue", query, cancellationToken);

    public IAsyncEnumerable<Conversation> AllQueuedAsync(ListQuery? query = null, CancellationToken cancellationToken = default) => Client.AllAsync<Conversation>("handoff/queue", query, cancellationToken);

    public Task<Conversation> ClaimAsync(Guid id, CancellationToken cancellationToken = default) => Client.SendJsonAsync<Conversation>(HttpMethod.Post, $"handoff/{Id(id)}/claim", null, cancellationToken);

    public Task<Message> ReplyAsync(Guid id, string content, CancellationToken cancellationToken = default)
        => Client.SendJsonAsync<Message>(HttpMethod.Post, $"handoff/{Id(id)}/messages", new { content }, cancellationToken);

    public Task<Conversation> HandBackAsync(Guid id, CancellationToken cancellationToken = default) => Client.SendJsonAsync<Conversation>(HttpMethod.Post, $"handoff/{Id(id)}/hand-back", null, cancellationToken);

    public Task<Conversation> CloseAsync(Guid id, CancellationToken cancellationToken = default) => Client.SendJsonAsync<Conversation>(HttpMethod.Post, $"handoff/{Id(id)}/close", null, cancellationToken);
}

public sealed class TicketsResource(ParleyClient client) : CrudResource<Ticket>(client, "tickets")
{
    public Task<IReadOnlyList<TicketComment>> CommentsAsync(Guid id, CancellationToken cancellationToken = default)
        => Client.GetAsync<IReadOnlyList<TicketComment>>($"{Base}/{Id(id)}/comments", cancellationToken);

    public Task<TicketComment> AddCommentAsync(Guid id, string content, CancellationToken cancellationToken = default)
        => Client.SendJsonAsync<TicketComment>(HttpMethod.Post, $"{Base}/{Id(id)}/comments", new { content }, cancellationToken);
}

public sealed class ToolsResource(ParleyClient client) : ResourceBase(client)
{
    public Task<PageOf<Tool>> ListAsync(ListQuery? query = null, CancellationToken cancellationToken = default) => Client.PageAsync<Tool>("tools", query, cancellationToken);

    public IAsyncEnumerable<Tool> ListAllAsync(ListQuery? query = null, CancellationToken cancellationToken = default) => Client.AllAsync<Tool>("tools", query, cancellationToken);

    public Task<Tool> GetAsync(string id, CancellationToken cancellationToken = default) => Client.GetAsync<Tool>($"tools/{Escape(id)}", cancellationToken);

    public Task<Tool> CreateAsync(object body, CancellationToken cancellationToken = default) => Client.SendJsonAsync<Tool>(HttpMethod.Post, "tools", body, cancellationToken);

    public Task<Tool> UpdateAsync(string id, object body, CancellationToken cancellationToken = default) => Client.SendJsonAsync<Tool>(HttpMethod.Put, $"tools/{Escape(id)}", body, cancellationToken);

    public Task DeleteAsync(string id, CancellationToken cancellationToken = default) => Client.SendAsync(HttpMethod.Delete, $"tools/{Escape(id)}", null, cancellationToken);

    public Task<JsonElement> ExecuteAsync(string id, object arguments, CancellationToken cancellationToken = default)
        => Client.SendJsonAsync<JsonElement>(HttpMethod.Post, $"tools/{Escape(id)}/execute", new { arguments }, cancellationToken);

    public Task<PageOf<JsonElement>> RoutesAsync(ListQuery? query = null, CancellationToken cancellationToken = default) => Client.PageAsync<JsonElement>("tools/routes", query, cancellationToken);

    public Task<PageOf<JsonElement>> CallsAsync(ListQuery? query = null, CancellationToken cancellationToken = default) => Client.PageAsync<JsonElement>("tools/calls", query, cancellationToken);
}

public sealed class IntegrationsResource(ParleyClient client) : ResourceBase(client)
{
    /// <summary>The integrations list is a bare array (paging figures in headers).</summary>
    public Task<IReadOnlyList<Integration>> ListAsync(CancellationToken cancellationToken = default) => Client.GetAsync<IReadOnlyList<Integration>>("integrations", cancellationToken);

    /// <summary>One page in the list envelope (asking for <c>page</c>/<c>size</c> makes the server answer it instead of the bare array).</summary>
    public Task<PageOf<Integration>> PageAsync(ListQuery? query = null, CancellationToken cancellationToken = default)
    {
        var q = query ?? new ListQuery();
        return Client.PageAsync<Integration>("integrations", q.Page is null && q.Size is null ? q with { Page = 1 } : q, cancellationToken);
    }

    public Task<Integration> GetAsync(Guid id, CancellationToken cancellationToken = default) => Client.GetAsync<Integration>($"integrations/{Id(id)}", cancellationToken);

    public Task<Integration> CreateAsync(object body, CancellationToken cancellationToken = default) => Client.SendJsonAsync<Integration>(HttpMethod.Post, "integrations", body, cancellationToken);

    public Task<Integration> UpdateAsync(Guid id, object body, CancellationToken cancellationToken = default) => Client.SendJsonAsync<Integration>(HttpMethod.Put, $"integrations/{Id(id)}", body, cancellationToken);

    public Task DeleteAsync(Guid id, CancellationToken cancellationToken = default) => Client.SendAsync(HttpMethod.Delete, $"integrations/{Id(id)}", null, cancellationToken);

    /// <summary>Tries the connection; always answers (success false with a reason when the system could not be used).</summary>
    public Task<IntegrationTest> TestAsync(Guid id, CancellationToken cancellationToken = default) => Client.SendJsonAsync<IntegrationTest>(HttpMethod.Post, $"integrations/{Id(id)}/test", null, cancellationToken);
}

public sealed class WebhooksResource(ParleyClient client) : CrudResource<Webhook>(client, "webhooks")
{
    public Task<Webhook> RotateSecretAsync(Guid id, CancellationToken cancellationToken = default) => Client.SendJsonAsync<Webhook>(HttpMethod.Post, $"{Base}/{Id(id)}/rotate-secret", null, cancellationToken);

    public Task<PageOf<WebhookDelivery>> DeliveriesAsync(Guid id, ListQuery? query = null, CancellationToken cancellationToken = default)
        => Client.PageAsync<WebhookDelivery>($"{Base}/{Id(id)}/deliveries", query, cancellationToken);

    public Task<WebhookDelivery> DeliveryAsync(Guid id, Guid deliveryId, CancellationToken cancellationToken = default)
        => Client.GetAsync<WebhookDelivery>($"{Base}/{Id(id)}/deliveries/{Id(deliveryId)}", cancellationToken);

    public Task<JsonElement> RedeliverAsync(Guid id, Guid deliveryId, CancellationToken cancellationToken = default)
        => Client.SendJsonAsync<JsonElement>(HttpMethod.Post, $"{Base}/{Id(id)}/deliveries/{Id(deliveryId)}/redeliver", null, cancellationToken);
}

public sealed class ApiKeysResource(ParleyClient client) : ResourceBase(client)
{
    /// <summary>Creates a key; <see cref="ApiKey.Key"/> is in this answer only.</summary>
    public Task<ApiKey> CreateAsync(string name, string? role = null, int? expiresInDays = null, CancellationToken cancellationToken = default)
        => Client.SendJsonAsync<ApiKey>(HttpMethod.Post, "api-keys", new { name, role, expires_in_days = expiresInDays }, cancellationToken);

    /// <summary>Your keys; <paramref name="all"/> (admins) lists the tenant's.</summary>
    public Task<PageOf<ApiKey>> ListAsync(bool all = false, ListQuery? query = null, CancellationToken cancellationToken = default)
        => Client.PageAsync<ApiKey>(all ? "api-keys?all=true" : "api-keys", query, cancellationToken);

    public Task RevokeAsync(Guid id, CancellationToken cancellationToken = default) => Client.SendAsync(HttpMethod.Delete, $"api-keys/{Id(id)}", null, cancellationToken);
}

public sealed class TenantsResource(ParleyClient client) : ResourceBase(client)
{
    public Task<Tenant> CurrentAsync(CancellationToken cancellationToken = default) => Client.GetAsync<Tenant>("tenants/current", cancellationToken);

    public Task<PageOf<Tenant>> ListAsync(ListQuery? query = null, CancellationToken cancellationToken = default) => Client.PageAsync<Tenant>("tenants", query, cancellationToken);

    public IAsyncEnumerable<Tenant> ListAllAsync(ListQuery? query = null, CancellationToken cancellationToken = default) => Client.AllAsync<Tenant>("tenants", query, cancellationToken);

    public Task<Tenant> GetAsync(Guid id, CancellationToken cancellationToken = default) => Client.GetAsync<Tenant>($"tenants/{Id(id)}", cancellationToken);

    /// <summary>Platform admins: a tenant with its first admin (<c>{name, admin: {email, username, password}}</c>).</summary>
    public Task<Tenant> CreateAsync(object body, CancellationToken cancellationToken = default) => Client.SendJsonAsync<Tenant>(HttpMethod.Post, "tenants", body, cancellationToken);

    public Task<Tenant> UpdateAsync(Guid id, object body, CancellationToken cancellationToken = default) => Client.SendJsonAsync<Tenant>(HttpMethod.Put, $"tenants/{Id(id)}", body, cancellationToken);
}

public sealed class PlansResource(ParleyClient client) : ResourceBase(client)
{
    /// <summary>Every plan with its limits (0 is unlimited).</summary>
    public Task<IReadOnlyList<Plan>> ListAsync(CancellationToken cancellationToken = default) => Client.GetAsync<IReadOnlyList<Plan>>("plans", cancellationToken);

    public Task<JsonElement> SetTenantPlanAsync(Guid tenantId, string plan, CancellationToken cancellationToken = default)
        => Client.SendJsonAsync<JsonElement>(HttpMethod.Put, $"tenants/{Id(tenantId)}/plan", new { subscription_plan = plan }, cancellationToken);

    /// <summary>Usage this month, quota and limits (<c>/auth/dashboard</c>).</summary>
    public Task<Dashboard> UsageAsync(CancellationToken cancellationToken = default) => Client.GetAsync<Dashboard>("auth/dashboard", cancellationToken);
}

public sealed class AnalyticsResource(ParleyClient client) : ResourceBase(client)
{
    public Task<JsonElement> StatsAsync(CancellationToken cancellationToken = default) => Client.GetAsync<JsonElement>("analytics/stats", cancellationToken);

    public Task<JsonElement> UsageAsync(string? period = null, CancellationToken cancellationToken = default)
        => Client.GetAsync<JsonElement>(period is null ? "analytics/usage" : $"analytics/usage?period={Escape(period)}", cancellationToken);

    public Task<JsonElement> ConversationsAsync(string? period = null, CancellationToken cancellationToken = default)
        => Client.GetAsync<JsonElement>(period is null ? "analytics/conversations" : $"analytics/conversations?period={Escape(period)}", cancellationToken);

    public Task<JsonElement> DashboardAsync(string? period = null, CancellationToken cancellationToken = default)
        => Client.GetAsync<JsonElement>(period is null ? "analytics/dashboard" : $"analytics/dashboard?period={Escape(period)}", cancellationToken);

    public Task<JsonElement> PerformanceAsync(string? period = null, CancellationToken cancellationToken = default)
        => Client.GetAsync<JsonElement>(period is null ? "analytics/performance" : $"analytics/performance?period={Escape(period)}", cancellationToken);
}

public sealed class NotificationsResource(ParleyClient client) : ResourceBase(client)
{
    public Task<NotificationList> ListAsync(int limit = 20, int offset = 0, bool unreadOnly = false, CancellationToken cancellationToken = default)
        => Client.GetAsync<NotificationList>($"notifications?limit={limit}&offset={offset}{(unreadOnly ? "&unread_only=true" : "")}", cancellationToken);

    /// <summary>Marks the given notifications read, or all of them when <paramref name="ids"/> is null.</summary>
    public Task<MarkReadResult> MarkReadAsync(IEnumerable<Guid>? ids = null, CancellationToken cancellationToken = default)
        => Client.SendJsonAsync<MarkReadResult>(HttpMethod.Post, "notifications/mark-read", ids is null ? new { all = true } : new { notification_ids = ids.ToArray() }, cancellationToken);
}

public sealed class TasksResource(ParleyClient client) : ResourceBase(client)
{
    /// <summary><c>POST /tasks/analyze</c> (<c>{description, data_source, parameters}</c>).</summary>
    public Task<TaskSubmitted> AnalyzeAsync(string description, string? dataSource = null, object? parameters = null, CancellationToken cancellationToken = default)
        => Client.SendJsonAsync<TaskSubmitted>(HttpMethod.Post, "tasks/analyze", new { description, data_source = dataSource, parameters }, cancellationToken);

    public Task<TaskSubmitted> ResearchAsync(string topic, string? scope = null, IReadOnlyList<string>? sources = null, CancellationToken cancellationToken = default)
        => Client.SendJsonAsync<TaskSubmitted>(HttpMethod.Post, "tasks/research", new { topic, scope, sources }, cancellationToken);

    public Task<PageOf<TaskStatus>> ListAsync(ListQuery? query = null, CancellationToken cancellationToken = default) => Client.PageAsync<TaskStatus>("tasks", query, cancellationToken);

    public IAsyncEnumerable<TaskStatus> ListAllAsync(ListQuery? query = null, CancellationToken cancellationToken = default) => Client.AllAsync<TaskStatus>("tasks", query, cancellationToken);

    /// <summary>Accepts both <c>task_{uuid}</c> (Three-Database Chatbot) and the bare uuid.</summary>
    public Task<TaskStatus> StatusAsync(string taskId, CancellationToken cancellationToken = default) => Client.GetAsync<TaskStatus>($"tasks/{Escape(taskId)}/status", cancellationToken);

    public Task<TaskResults> ResultsAsync(string taskId, CancellationToken cancellationToken = default) => Client.GetAsync<TaskResults>($"tasks/{Escape(taskId)}/results", cancellationToken);

    public Task<TaskStatus> CancelAsync(string taskId, CancellationToken cancellationToken = default) => Client.SendJsonAsync<TaskStatus>(HttpMethod.Post, $"tasks/{Escape(taskId)}/cancel", null, cancellationToken);

    /// <summary>Polls the status until the task is finished, reporting each status seen.</summary>
    public async Task<TaskStatus> WaitAsync(string taskId, IProgress<TaskStatus>? progress = null, TimeSpan? interval = null, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var status = await StatusAsync(taskId, cancellationToken).ConfigureAwait(false);
            progress?.Report(status);
            if (status.IsFinished)
            {
                return status;
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
        }
    }
}

public sealed class OperationsResource(ParleyClient client) : ResourceBase(client)
{
    public Task<Health> HealthAsync(CancellationToken cancellationToken = default) => Client.GetAsync<Health>("health", cancellationToken);

    /// <summary>Components (database provider and schema version, Redis) with latencies; a 503 (unhealthy) still answers its body.</summary>
    public async Task<DetailedHealth> DetailedHealthAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await Client.GetAsync<DetailedHealth>("health/detailed", cancellationToken).ConfigureAwait(false);
        }
        catch (ParleyApiException e) when (e.Status == 503)
        {
            return new DetailedHealth { Status = "unhealthy" };
        }
    }
}
