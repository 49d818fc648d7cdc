using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Chat;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Parley.Server.Conversations.Llm;

/// <summary>
/// <see cref="IChatClient"/> over the official OpenAI SDK's <see cref="ChatClient"/>, pointed at any
/// OpenAI-compatible endpoint. Microsoft.Extensions.AI.OpenAI is not on the package mirror, so this
/// is the small part of it Parley needs: text in, text out (streamed or not), token usage.
/// The SDK's own retries are off: <see cref="LlmResilience"/> decides when to try again.
/// </summary>
public sealed class OpenAiCompatibleChatClient : IChatClient
{
    public const string ProviderName = "openai-compatible";

    private readonly LlmOptions _options;
    private readonly HttpClient _http;
    private readonly OpenAIClientOptions _clientOptions;
    private readonly ApiKeyCredential _credential;
    private readonly ConcurrentDictionary<string, ChatClient> _clients = new(StringComparer.Ordinal);

    public OpenAiCompatibleChatClient(IOptions<LlmOptions> options, ILogger<OpenAiCompatibleChatClient> logger)
    {
        _options = options.Value;
        var endpoint = _options.Endpoint;
        // No redirects: a redirect is never part of the chat-completions protocol, and following one
        // would be the only way a request (and, without ProviderKeyPolicy, its key) could leave the host.
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(_options.TimeoutSeconds),
        })
        { Timeout = Timeout.InfiniteTimeSpan };
        _clientOptions = new OpenAIClientOptions
        {
            Endpoint = endpoint,
            Transport = new HttpClientPipelineTransport(_http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            // Also enforced per chunk by LlmResilience; this bounds each read inside the SDK.
            NetworkTimeout = TimeSpan.FromSeconds(_options.MaxStreamSeconds),
            UserAgentApplicationId = "parley",
        };
        // The SDK insists on a credential and writes it as "Authorization: Bearer"; ProviderKeyPolicy runs
        // last before the wire and decides what is really sent (the key, in the configured header, to
        // the provider's origin only; nothing when no key is configured).
        _credential = new ApiKeyCredential(string.IsNullOrEmpty(_options.ApiKey) ? "no-key" : _options.ApiKey);
        _clientOptions.AddPolicy(new ProviderKeyPolicy(endpoint, _options.ApiKey, _options.ApiKeyHeader), PipelinePosition.BeforeTransport);
        Metadata = new ChatClientMetadata(ProviderName, endpoint, _options.Model);
        if (!string.IsNullOrEmpty(_options.ApiKey) && endpoint.Scheme == Uri.UriSchemeHttp && !endpoint.IsLoopback)
        {
            logger.LogWarning("The LLM API key is sent over plain HTTP to {ProviderHost}; use https for a provider off this machine", endpoint.Authority);
        }
    }

    public ChatClientMetadata Metadata { get; }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AiChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (client, sdkMessages, sdkOptions) = Prepare(messages, options);
        ChatCompletion completion;
        try
        {
            completion = (await client.CompleteChatAsync(sdkMessages, sdkOptions, cancellationToken)).Value;
        }
        catch (ClientResultException e)
        {
            throw LlmProviderException.From(e);
        }

        var text = string.Concat(completion.Content.Where(p => p.Kind == ChatMessageContentPartKind.Text).Select(p => p.Text));
        var message = new AiChatMessage(ChatRole.Assistant, text);
        foreach (var call in completion.ToolCalls)
        {
            message.Contents.Add(ToolCallAssembler.Parse(call.Id, call.FunctionName, call.FunctionArguments.ToString()));
        }

        return new ChatResponse(message)
        {
            ResponseId = completion.Id,
            ModelId = completion.Model,
            CreatedAt = completion.CreatedAt,
            FinishReason = Map(completion.FinishReason),
            Usage = Map(completion.Usage),
            RawRepresentation = completion,
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<AiChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (client, sdkMessages, sdkOptions) = Prepare(messages, options);
        await using var updates = client.CompleteChatStreamingAsync(sdkMessages, sdkOptions, cancellationToken).GetAsyncEnumerator(cancellationToken);
        // Tool calls arrive in pieces (id and name first, then the arguments' JSON in fragments) and
        // are passed on whole, as FunctionCallContent, with the chunk that carries finish_reason.
        var calls = new ToolCallAssembler();
        while (true)
        {
            bool more;
            try
            {
                more = await updates.MoveNextAsync();
            }
            catch (ClientResultException e)
            {
                throw LlmProviderException.From(e);
            }

            if (!more)
            {
                if (calls.Any)
                {
                    yield return new ChatResponseUpdate(ChatRole.Assistant, [.. calls.Drain()]);
                }

                yield break;
            }

            var current = updates.Current;
            calls.Add(current.ToolCallUpdates);
            var mapped = Map(current);
            if (current.FinishReason is not null && calls.Any)
            {
                foreach (var call in calls.Drain())
                {
                    mapped.Contents.Add(call);
                }
            }

            yield return mapped;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
        => serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;

    public void Dispose() => _http.Dispose();

    private (ChatClient Client, List<OpenAI.Chat.ChatMessage> Messages, ChatCompletionOptions Options) Prepare(IEnumerable<AiChatMessage> messages, ChatOptions? options)
    {
        var model = options?.ModelId is { Length: > 0 } m ? m : _options.Model;
        var client = _clients.GetOrAdd(model, name => new ChatClient(name, _credential, _clientOptions));
        var sdkMessages = new List<OpenAI.Chat.ChatMessage>();
        if (options?.Instructions is { Length: > 0 } instructions)
        {
            sdkMessages.Add(new SystemChatMessage(instructions));
        }

        foreach (var message in messages)
        {
            if (ToolMessages.From(message) is { } toolMessage)
            {
                sdkMessages.Add(toolMessage);
                continue;
            }

            if (message.Text is not { Length: > 0 } text)
            {
                continue;
            }

            sdkMessages.Add(message.Role == ChatRole.System ? new SystemChatMessage(text)
                : message.Role == ChatRole.Assistant ? new AssistantChatMessage(text)
                : new UserChatMessage(text));
        }

        var sdkOptions = new ChatCompletionOptions { Temperature = options?.Temperature, TopP = options?.TopP };
        foreach (var stop in options?.StopSequences ?? [])
        {
            sdkOptions.StopSequences.Add(stop);
        }

        ToolMessages.AddTools(sdkOptions, options);
        if (options?.MaxOutputTokens is { } max)
        {
            SetMaxTokens(sdkOptions, max);
        }

        return (client, sdkMessages, sdkOptions);
    }

    private void SetMaxTokens(ChatCompletionOptions options, int max)
    {
        if (_options.MaxTokensParameter == MaxTokensParameters.MaxCompletionTokens)
        {
            options.MaxOutputTokenCount = max;
            return;
        }

        // The SDK only writes max_completion_tokens, which Ollama, llama.cpp and older servers ignore;
        // JsonPatch (marked experimental) is its supported way to add a field it does not model.
#pragma warning disable SCME0001
        options.Patch.Set("$.max_tokens"u8, max);
#pragma warning restore SCME0001
    }

    private static ChatResponseUpdate Map(StreamingChatCompletionUpdate update)
    {
        var contents = new List<AIContent>();
        foreach (var part in update.ContentUpdate)
        {
            if (part.Kind == ChatMessageContentPartKind.Text && !string.IsNullOrEmpty(part.Text))
            {
                contents.Add(new TextContent(part.Text));
            }
        }

        if (Map(update.Usage) is { } usage)
        {
            contents.Add(new UsageContent(usage));
        }

        return new ChatResponseUpdate(ChatRole.Assistant, contents)
        {
            ResponseId = update.CompletionId,
            MessageId = update.CompletionId,
            ModelId = update.Model,
            CreatedAt = update.CreatedAt,
            FinishReason = update.FinishReason is { } reason ? Map(reason) : null,
            RawRepresentation = update,
        };
    }

    private static UsageDetails? Map(ChatTokenUsage? usage) => usage is null ? null : new UsageDetails
    {
        InputTokenCount = usage.InputTokenCount,
        OutputTokenCount = usage.OutputTokenCount,
        TotalTokenCount = usage.TotalTokenCount,
    };

    private static Microsoft.Extensions.AI.ChatFinishReason Map(OpenAI.Chat.ChatFinishReason reason) => reason switch
    {
        OpenAI.Chat.ChatFinishReason.Length => Microsoft.Extensions.AI.ChatFinishReason.Length,
        OpenAI.Chat.ChatFinishReason.ContentFilter => Microsoft.Extensions.AI.ChatFinishReason.ContentFilter,
        OpenAI.Chat.ChatFinishReason.ToolCalls or OpenAI.Chat.ChatFinishReason.FunctionCall => Microsoft.Extensions.AI.ChatFinishReason.ToolCalls,
        _ => Microsoft.Extensions.AI.ChatFinishReason.Stop,
    };
}
