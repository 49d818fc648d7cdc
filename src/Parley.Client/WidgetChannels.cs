namespace Parley.Client;

/// <summary>
/// <c>/widget/channels</c> (admins): the tenant's web widget channels. The identity secret appears
/// only in the answers to <see cref="CreateAsync"/> and <see cref="RotateSecretAsync"/>.
/// </summary>
public sealed class WidgetChannelsResource(ParleyClient client) : ResourceBase(client)
{
    private const string Base = "widget/channels";

    public Task<PageOf<WidgetChannel>> ListAsync(ListQuery? query = null, CancellationToken cancellationToken = default) => Client.PageAsync<WidgetChannel>(Base, query, cancellationToken);

    public IAsyncEnumerable<WidgetChannel> ListAllAsync(ListQuery? query = null, CancellationToken cancellationToken = default) => Client.AllAsync<WidgetChannel>(Base, query, cancellationToken);

    public Task<WidgetChannel> GetAsync(Guid id, CancellationToken cancellationToken = default) => Client.GetAsync<WidgetChannel>($"{Base}/{Id(id)}", cancellationToken);

    /// <summary>
    /// Creates a channel: <c>{name, assistant_id, greeting, allowed_origins, color, position,
    /// pre_chat_fields, allow_attachments, strings, is_active}</c>; the answer carries the identity secret, once.
    /// </summary>
    public Task<WidgetChannelCreated> CreateAsync(object body, CancellationToken cancellationToken = default)
        => Client.SendJsonAsync<WidgetChannelCreated>(HttpMethod.Post, Base, body, cancellationToken);

    /// <summary>PATCH: the fields given change, the others keep their values.</summary>
    public Task<WidgetChannel> UpdateAsync(Guid id, object body, CancellationToken cancellationToken = default)
        => Client.SendJsonAsync<WidgetChannel>(HttpMethod.Patch, $"{Base}/{Id(id)}", body, cancellationToken);

    /// <summary>Deletes the channel; its visitors are deactivated, their conversations stay.</summary>
    public Task DeleteAsync(Guid id, CancellationToken cancellationToken = default) => Client.SendAsync(HttpMethod.Delete, $"{Base}/{Id(id)}", null, cancellationToken);

    /// <summary>A new identity-verification secret, shown in this answer only; the old one stops verifying at once.</summary>
    public Task<WidgetSecret> RotateSecretAsync(Guid id, CancellationToken cancellationToken = default)
        => Client.SendJsonAsync<WidgetSecret>(HttpMethod.Post, $"{Base}/{Id(id)}/rotate-secret", null, cancellationToken);
}

public sealed record WidgetChannel : ParleyModel
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string WebsiteToken { get; init; } = "";
    public Guid? AssistantId { get; init; }
    public string? Greeting { get; init; }
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];
    public string Color { get; init; } = "";
    public string Position { get; init; } = "";
    public IReadOnlyList<string> PreChatFields { get; init; } = [];
    public bool AllowAttachments { get; init; }
    public Dictionary<string, string> Strings { get; init; } = [];
    public bool IsActive { get; init; }
    public bool IsDefault { get; init; }

    /// <summary>The script tag to paste into a website.</summary>
    public string EmbedSnippet { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
}

public sealed record WidgetChannelCreated : ParleyModel
{
    public WidgetChannel Channel { get; init; } = new();

    /// <summary>The identity-verification secret: shown here and at rotation, never again.</summary>
    public string IdentitySecret { get; init; } = "";
}

public sealed record WidgetSecret : ParleyModel
{
    public Guid ChannelId { get; init; }
    public string IdentitySecret { get; init; } = "";
}
