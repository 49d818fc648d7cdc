using Microsoft.Extensions.Options;

namespace Parley.Server.Conversations.Llm;

/// <summary>
/// An OpenAI-compatible chat-completions endpoint (OpenAI, Azure OpenAI, Ollama, vLLM, llama.cpp,
/// LM Studio) that writes answers. Empty <see cref="BaseUrl"/> means none is configured and the
/// built-in engine answers. Every setting can come from the environment (<c>Parley__Llm__BaseUrl</c>).
/// </summary>
public sealed class LlmOptions
{
    public const string Section = "Parley:Llm";

    public const string DefaultSystemPrompt =
        "You are Parley, the customer-support assistant of this company. Be friendly, concise and accurate, " +
        "and answer in the language the customer writes in.";

    /// <summary>The API root that <c>chat/completions</c> is appended to, e.g. <c>http://127.0.0.1:11434/v1</c>.</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>Sent only to <see cref="BaseUrl"/>'s host; never logged. Optional (local servers need none).</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The header that carries <see cref="ApiKey"/>: <c>Authorization</c> (as <c>Bearer</c>, OpenAI and
    /// most servers) or a plain header name such as <c>api-key</c> (Azure OpenAI).
    /// </summary>
    public string ApiKeyHeader { get; set; } = "Authorization";

    public string Model { get; set; } = "";

    public double Temperature { get; set; } = 0.2;

    public int MaxTokens { get; set; } = 800;

    /// <summary>
    /// How the token limit is sent: <c>max_tokens</c> (read by Ollama, vLLM, llama.cpp, LM Studio and
    /// older OpenAI models) or <c>max_completion_tokens</c> (required by OpenAI's reasoning models).
    /// </summary>
    public string MaxTokensParameter { get; set; } = MaxTokensParameters.MaxTokens;

    /// <summary>Who the assistant is; the grounding and citation rules are always added after it.</summary>
    public string SystemPrompt { get; set; } = DefaultSystemPrompt;

    /// <summary>Earlier messages of the conversation sent with each question.</summary>
    public int HistoryMessages { get; set; } = 10;

    /// <summary>Per attempt: the wait for the first token, and the longest silence between two chunks.</summary>
    public double TimeoutSeconds { get; set; } = 30;

    /// <summary>The longest one streamed answer may take from request to last token.</summary>
    public double MaxStreamSeconds { get; set; } = 180;

    /// <summary>Retries before the first token only (streamed text is never repeated).</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>First retry delay; doubled per retry, with jitter, up to <see cref="RetryMaxDelaySeconds"/>.</summary>
    public double RetryBaseDelaySeconds { get; set; } = 0.5;

    public double RetryMaxDelaySeconds { get; set; } = 8;

    /// <summary>The circuit opens when this share of the calls in the sampling window failed...</summary>
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>...and at least this many calls were made in it.</summary>
    public int CircuitBreakerMinimumThroughput { get; set; } = 6;

    public double CircuitBreakerSamplingSeconds { get; set; } = 60;

    /// <summary>While open, answers come from the built-in engine without calling the provider.</summary>
    public double CircuitBreakerBreakSeconds { get; set; } = 30;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(BaseUrl);

    public Uri Endpoint => new(BaseUrl.TrimEnd('/'));
}

public static class MaxTokensParameters
{
    public const string MaxTokens = "max_tokens";
    public const string MaxCompletionTokens = "max_completion_tokens";
}

/// <summary>Checked at start; nothing is checked while no provider is configured.</summary>
public sealed class LlmOptionsValidator : IValidateOptions<LlmOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmOptions o)
    {
        if (!o.IsConfigured)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (!Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add("Parley:Llm:BaseUrl must be an absolute http(s) URL such as http://127.0.0.1:11434/v1.");
        }
        else if (url.UserInfo.Length > 0 || url.Query.Length > 0 || url.Fragment.Length > 0)
        {
            errors.Add("Parley:Llm:BaseUrl must not contain credentials, a query or a fragment; put the key in Parley:Llm:ApiKey.");
        }

        if (string.IsNullOrWhiteSpace(o.Model))
        {
            errors.Add("Parley:Llm:Model is required when Parley:Llm:BaseUrl is set (the model name the server knows, e.g. llama3.1:8b).");
        }

        if (string.IsNullOrWhiteSpace(o.ApiKeyHeader) || o.ApiKeyHeader.Any(c => c <= ' ' || c == ':' || c > '~'))
        {
            errors.Add("Parley:Llm:ApiKeyHeader must be a header name (Authorization, api-key, ...).");
        }

        if (o.MaxTokensParameter is not (MaxTokensParameters.MaxTokens or MaxTokensParameters.MaxCompletionTokens))
        {
            errors.Add("Parley:Llm:MaxTokensParameter must be max_tokens or max_completion_tokens.");
        }

        Check(errors, o.Temperature is >= 0 and <= 2, "Temperature must be between 0 and 2.");
        Check(errors, o.MaxTokens is >= 1 and <= 1_000_000, "MaxTokens must be between 1 and 1000000.");
        Check(errors, o.HistoryMessages is >= 0 and <= 100, "HistoryMessages must be between 0 and 100.");
        Check(errors, o.TimeoutSeconds is >= 0.05 and <= 600, "TimeoutSeconds must be between 0.05 and 600.");
        Check(errors, o.MaxStreamSeconds >= o.TimeoutSeconds && o.MaxStreamSeconds <= 3600, "MaxStreamSeconds must be at least TimeoutSeconds and at most 3600.");
        Check(errors, o.MaxRetries is >= 0 and <= 10, "MaxRetries must be between 0 and 10.");
        Check(errors, o.RetryBaseDelaySeconds is >= 0 and <= 60, "RetryBaseDelaySeconds must be between 0 and 60.");
        Check(errors, o.RetryMaxDelaySeconds >= o.RetryBaseDelaySeconds && o.RetryMaxDelaySeconds <= 300, "RetryMaxDelaySeconds must be at least RetryBaseDelaySeconds and at most 300.");
        Check(errors, o.CircuitBreakerFailureRatio is > 0 and <= 1, "CircuitBreakerFailureRatio must be above 0 and at most 1.");
        Check(errors, o.CircuitBreakerMinimumThroughput is >= 2 and <= 10_000, "CircuitBreakerMinimumThroughput must be between 2 and 10000.");
        Check(errors, o.CircuitBreakerSamplingSeconds is >= 0.5 and <= 86_400, "CircuitBreakerSamplingSeconds must be between 0.5 and 86400.");
        Check(errors, o.CircuitBreakerBreakSeconds is >= 0.5 and <= 86_400, "CircuitBreakerBreakSeconds must be between 0.5 and 86400.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(List<string> errors, bool ok, string message)
    {
        if (!ok)
        {
            errors.Add("Parley:Llm:" + message);
        }
    }
}
