using System.ClientModel;

namespace Parley.Server.Conversations.Llm;

/// <summary>
/// The provider answered with an error status. The message carries only the status: a provider's
/// error body can echo part of the API key ("Incorrect API key provided: sk-ab***yz") or the prompt,
/// and this exception is logged.
/// </summary>
public sealed class LlmProviderException : Exception
{
    public LlmProviderException(int status, TimeSpan? retryAfter)
        : base(status == 0 ? "The model provider could not be reached." : $"The model provider answered HTTP {status}.")
    {
        Status = status;
        RetryAfter = retryAfter;
    }

    public LlmProviderException()
        : this(0, null)
    {
    }

    public LlmProviderException(string message)
        : base(message)
    {
    }

    public LlmProviderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status, or 0 when no response arrived.</summary>
    public int Status { get; }

    /// <summary>The provider's <c>Retry-After</c> (429/503), when it sent one in seconds.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Worth another attempt: rate limited, timed out or a server-side failure; never 4xx mistakes.</summary>
    public bool IsTransient => Status is 0 or 408 or 409 or 429 or >= 500;

    public static LlmProviderException From(ClientResultException e)
    {
        TimeSpan? retryAfter = null;
        if (e.GetRawResponse()?.Headers.TryGetValue("Retry-After", out var value) == true
            && int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            retryAfter = TimeSpan.FromSeconds(seconds);
        }

        return new LlmProviderException(e.Status, retryAfter);
    }
}

/// <summary>The provider went quiet: no first token, or no next chunk, within the configured time.</summary>
public sealed class LlmTimeoutException : TimeoutException
{
    public LlmTimeoutException()
    {
    }

    public LlmTimeoutException(string message)
        : base(message)
    {
    }

    public LlmTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
