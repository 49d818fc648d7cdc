using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Parley.Server.Knowledge;

public static class KnowledgeSetup
{
    public static WebApplicationBuilder AddParleyKnowledge(this WebApplicationBuilder builder)
    {
        builder.Services.AddParleyKnowledgeCore();
        if (builder.Configuration.GetValue($"{KnowledgeOptions.Section}:RunWorker", true))
        {
            builder.Services.AddHostedService<IngestionWorker>();
        }

        return builder;
    }

    /// <summary>Everything but the background worker (the retrieval evaluation runs ingestion itself).</summary>
    public static IServiceCollection AddParleyKnowledgeCore(this IServiceCollection services)
    {
        services.AddOptions<KnowledgeOptions>().BindConfiguration(KnowledgeOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.ChunkOverlapChars < o.ChunkChars, "Parley:Knowledge:ChunkOverlapChars must be smaller than ChunkChars.")
            .Validate(o => string.IsNullOrWhiteSpace(o.Embeddings.BaseUrl) || (Uri.TryCreate(o.Embeddings.BaseUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"),
                "Parley:Knowledge:Embeddings:BaseUrl must be an absolute http(s) URL.")
            .Validate(o => string.IsNullOrWhiteSpace(o.Embeddings.BaseUrl) || !string.IsNullOrWhiteSpace(o.Embeddings.Model),
                "Parley:Knowledge:Embeddings:Model is required when Embeddings:BaseUrl is set.")
            .Validate(o => o.Embeddings.IsValid,
                "Parley:Knowledge:Embeddings:Provider must be builtin, endpoint (with BaseUrl and Model) or none.")
            .ValidateOnStart();
        services.AddHttpClient(EmbeddingClient.ClientName);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TextExtractor>();
        services.AddSingleton<EmbeddingClient>();
        services.AddSingleton<SourceNames>();
        services.AddSingleton<Infrastructure.Caching.ITenantCache>(sp => sp.GetRequiredService<SourceNames>());
        services.AddSingleton<TenantTermStats>();
        services.AddSingleton<Infrastructure.Caching.ITenantCache>(sp => sp.GetRequiredService<TenantTermStats>());
        services.AddSingleton<TenantVectors>();
        services.AddSingleton<Infrastructure.Caching.ITenantCache>(sp => sp.GetRequiredService<TenantVectors>());
        services.AddSingleton<IngestionSignal>();
        services.AddSingleton<EmbeddingFill>();
        services.AddSingleton<Ingestion>();
        services.AddScoped<KnowledgeWrites>();
        services.Replace(ServiceDescriptor.Singleton<IKnowledgeSearch, KnowledgeSearch>());
        return services;
    }
}
