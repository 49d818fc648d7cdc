namespace Parley.Client;

// Resource groups the admin console needs beyond the ones ParleyClient builds in its constructor;
// made on first use, so this file adds them without touching the constructor.
public sealed partial class ParleyClient
{
    private UnderstandingResource? _understanding;
    private ToolRoutesResource? _toolRoutes;

    /// <summary>The tenant's intents and model, entity lookup lists and redaction settings.</summary>
    public UnderstandingResource Understanding => _understanding ??= new UnderstandingResource(this);

    /// <summary>Intent routes of the built-in engine (<c>/tools/routes</c>).</summary>
    public ToolRoutesResource ToolRoutes => _toolRoutes ??= new ToolRoutesResource(this);
}

public sealed class ToolRoutesResource(ParleyClient client) : CrudResource<ToolRoute>(client, "tools/routes");

public sealed class UnderstandingResource(ParleyClient client) : ResourceBase(client)
{
    public Task<PageOf<Intent>> IntentsAsync(ListQuery? query = null, CancellationToken cancellationToken = default) => Client.PageAsync<Intent>("intents", query, cancellationToken);

    public Task<Intent> IntentAsync(string name, CancellationToken cancellationToken = default) => Client.GetAsync<Intent>($"intents/{Escape(name)}", cancellationToken);

    /// <summary><c>{name, description?, examples, enabled?, replace_default_examples?}</c>.</summary>
    public Task<Intent> CreateIntentAsync(object body, CancellationToken cancellationToken = default) => Client.SendJsonAsync<Intent>(HttpMethod.Post, "intents", body, cancellationToken);

    /// <summary>Changes an intent; on a default's name this creates the tenant's override.</summary>
    public Task<Intent> UpdateIntentAsync(string name, object body, CancellationToken cancellationToken = default)
        => Client.SendJsonAsync<Intent>(HttpMethod.Put, $"intents/{Escape(name)}", body, cancellationToken);

    public Task DeleteIntentAsync(string name, CancellationToken cancellationToken = default) => Client.SendAsync(HttpMethod.Delete, $"intents/{Escape(name)}", null, cancellationToken);

    /// <summary>Trains the tenant's model (the server trains inline and answers when it is stored).</summary>
    public Task<TrainingStats> TrainAsync(CancellationToken cancellationToken = default) => Client.SendJsonAsync<TrainingStats>(HttpMethod.Post, "intents/train", null, cancellationToken);

    public Task<IntentModelStatus> ModelAsync(CancellationToken cancellationToken = default) => Client.GetAsync<IntentModelStatus>("intents/model", cancellationToken);

    public Task ResetModelAsync(CancellationToken cancellationToken = default) => Client.SendAsync(HttpMethod.Delete, "intents/model", null, cancellationToken);

    public Task<PageOf<Lookup>> LookupsAsync(ListQuery? query = null, CancellationToken cancellationToken = default) => Client.PageAsync<Lookup>("entities/lookups", query, cancellationToken);

    /// <summary><c>{name, description?, entries: [{value, synonyms}]}</c>.</summary>
    public Task<Lookup> CreateLookupAsync(object body, CancellationToken cancellationToken = default) => Client.SendJsonAsync<Lookup>(HttpMethod.Post, "entities/lookups", body, cancellationToken);

    /// <summary>Replaces the list's entries (and description).</summary>
    public Task<Lookup> UpdateLookupAsync(Guid id, object body, CancellationToken cancellationToken = default)
        => Client.SendJsonAsync<Lookup>(HttpMethod.Put, $"entities/lookups/{Id(id)}", body, cancellationToken);

    public Task DeleteLookupAsync(Guid id, CancellationToken cancellationToken = default) => Client.SendAsync(HttpMethod.Delete, $"entities/lookups/{Id(id)}", null, cancellationToken);

    public Task<RedactionSettings> RedactionAsync(CancellationToken cancellationToken = default) => Client.GetAsync<RedactionSettings>("redaction/settings", cancellationToken);

    /// <summary>Replaces the tenant's settings: <c>{enabled_types?, disabled_types?, masking?, allowlist?}</c>; fields left out take the platform default.</summary>
    public Task<RedactionSettings> SetRedactionAsync(object body, CancellationToken cancellationToken = default)
        => Client.SendJsonAsync<RedactionSettings>(HttpMethod.Put, "redaction/settings", body, cancellationToken);

    public Task ResetRedactionAsync(CancellationToken cancellationToken = default) => Client.SendAsync(HttpMethod.Delete, "redaction/settings", null, cancellationToken);
}
