using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Parley.Server.Knowledge;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Llm;

/// <summary>
/// Parley (on SQLite) answering with the model behind a <see cref="FakeOpenAiServer"/>, and with
/// fixed knowledge so answers have passages to cite. Timeouts are small so failures are quick.
/// </summary>
public abstract class LlmAppBase : ParleyApp
{
    public FakeOpenAiServer Fake { get; private set; } = null!;

    protected virtual IEnumerable<KeyValuePair<string, string?>> LlmSettings() => [];

    protected sealed override IEnumerable<KeyValuePair<string, string?>> Settings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Parley:Llm:BaseUrl"] = new Uri(Fake.BaseAddress, "/v1").ToString(),
            ["Parley:Llm:Model"] = "test-model",
            ["Parley:Llm:Temperature"] = "0.1",
            ["Parley:Llm:MaxTokens"] = "300",
            // Short, but long enough that a cold first request on a busy machine is not a "stall".
            ["Parley:Llm:TimeoutSeconds"] = "2",
            ["Parley:Llm:MaxRetries"] = "2",
            ["Parley:Llm:RetryBaseDelaySeconds"] = "0.01",
            ["Parley:Llm:RetryMaxDelaySeconds"] = "0.05",
            // These tests fail on purpose; the circuit has its own app and test.
            ["Parley:Llm:CircuitBreakerMinimumThroughput"] = "10000",
        };
        foreach (var (key, value) in LlmSettings())
        {
            settings[key] = value;
        }

        return settings;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IKnowledgeSearch, FixedKnowledge>());
    }

    public override async Task InitializeAsync()
    {
        Fake = await FakeOpenAiServer.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Fake.DisposeAsync();
    }
}

public sealed class LlmApp : LlmAppBase
{
    public const string ApiKey = "sk-parley-test-0123456789";

    protected override IEnumerable<KeyValuePair<string, string?>> LlmSettings() => [new("Parley:Llm:ApiKey", ApiKey)];
}

/// <summary>A local server that needs no key (Ollama, llama.cpp).</summary>
public sealed class KeylessLlmApp : LlmAppBase;

/// <summary>Azure OpenAI style: the key in an <c>api-key</c> header instead of <c>Authorization: Bearer</c>.</summary>
public sealed class HeaderKeyLlmApp : LlmAppBase
{
    public const string ApiKey = "azure-key-0123456789";

    protected override IEnumerable<KeyValuePair<string, string?>> LlmSettings() => [new("Parley:Llm:ApiKey", ApiKey), new("Parley:Llm:ApiKeyHeader", "api-key")];
}

/// <summary>No retries, and a circuit that opens after two failed calls and stays open for the test.</summary>
public sealed class CircuitLlmApp : LlmAppBase
{
    protected override IEnumerable<KeyValuePair<string, string?>> LlmSettings() =>
    [
        new("Parley:Llm:MaxRetries", "0"),
        new("Parley:Llm:CircuitBreakerMinimumThroughput", "2"),
        new("Parley:Llm:CircuitBreakerFailureRatio", "0.5"),
        new("Parley:Llm:CircuitBreakerSamplingSeconds", "600"),
        new("Parley:Llm:CircuitBreakerBreakSeconds", "600"),
    ];
}

/// <summary>The same three passages for every question, best first.</summary>
public sealed class FixedKnowledge : IKnowledgeSearch
{
    public static readonly Passage Password = new(Guid.Parse("11111111-0000-0000-0000-000000000001"), Guid.Parse("22222222-0000-0000-0000-000000000001"),
        "Help Center", "Resetting your password", "https://help.example.com/password",
        "To reset your password, open Settings > Security and choose Reset password. A reset link is emailed to you and stays valid for 30 minutes.", 0.82);

    public static readonly Passage Refunds = new(Guid.Parse("11111111-0000-0000-0000-000000000002"), Guid.Parse("22222222-0000-0000-0000-000000000002"),
        "Help Center", "Refunds", null, "Refunds are issued to the original payment method within 5 business days of approval.", 0.64);

    public static readonly Passage Shipping = new(Guid.Parse("11111111-0000-0000-0000-000000000003"), Guid.Parse("22222222-0000-0000-0000-000000000003"),
        "Shipping guide", "Delivery times", null, "Standard shipping takes 3 to 5 business days; express shipping arrives the next business day.", 0.41);

    public static readonly IReadOnlyList<Passage> All = [Password, Refunds, Shipping];

    public static string IdOf(Passage p) => $"{p.SourceId:N}:{p.ChunkId:N}";

    public Task<IReadOnlyList<Passage>> SearchAsync(Guid tenantId, string query, int limit, CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<Passage>>(All.Take(limit).ToList());
}
