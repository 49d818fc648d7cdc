using System.ClientModel.Primitives;

namespace Parley.Server.Conversations.Llm;

/// <summary>
/// The last policy before the wire: whatever credential header the SDK wrote is removed, and the
/// API key is put back only on requests to the configured provider's scheme, host and port, so
/// should anything point elsewhere the key stays home. Without a key nothing is sent, so keyless
/// local servers get no placeholder header.
/// </summary>
public sealed class ProviderKeyPolicy(Uri endpoint, string? apiKey, string header) : PipelinePolicy
{
    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Authorize(message);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Authorize(message);
        await ProcessNextAsync(message, pipeline, currentIndex);
    }

    private void Authorize(PipelineMessage message)
    {
        var headers = message.Request.Headers;
        headers.Remove("Authorization");
        headers.Remove(header);
        if (string.IsNullOrEmpty(apiKey) || message.Request.Uri is not { } target || !SameOrigin(target, endpoint))
        {
            return;
        }

        headers.Set(header, string.Equals(header, "Authorization", StringComparison.OrdinalIgnoreCase) ? "Bearer " + apiKey : apiKey);
    }

    internal static bool SameOrigin(Uri a, Uri b)
        => string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
            && a.Port == b.Port;
}
