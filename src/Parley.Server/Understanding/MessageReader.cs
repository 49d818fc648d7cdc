namespace Parley.Server.Understanding;

/// <summary>A customer's message after redaction, with the tenant profile that redacted it (and will classify it).</summary>
public sealed record RedactedMessage(string Text, IReadOnlyList<RedactionView> Redactions, UnderstandingProfile? Profile);

/// <summary>
/// The understanding stage of a chat turn: redaction first (before anything is stored, logged or
/// sent), then intent, confidence, entities and sentiment on the redacted text, with the tenant's own
/// model, lookup lists and redaction settings when it has them.
/// </summary>
public interface IMessageReader
{
    ValueTask<RedactedMessage> RedactAsync(Guid tenantId, string text, CancellationToken cancellationToken);

    /// <summary>CPU work only: the turn may run it on another thread while it waits for its lock.</summary>
    MessageUnderstanding Understand(RedactedMessage message);
}

/// <remarks>
/// The names of the tenant's own knowledge sources (the hotel, restaurant or product a customer asks about) are
/// not customer PII and stay in the text: a later turn reads them to know what the conversation is about.
/// </remarks>
public sealed class MessageReader(TenantUnderstanding tenants, MessageAnalyzer analyzer, Knowledge.SourceNames sources) : IMessageReader
{
    public async ValueTask<RedactedMessage> RedactAsync(Guid tenantId, string text, CancellationToken cancellationToken)
    {
        var profile = await tenants.ForTenantAsync(tenantId, cancellationToken);
        var ownNames = await sources.NamesAsync(tenantId, cancellationToken);
        var (redacted, redactions) = analyzer.Redact(text, profile, ownNames);
        return new RedactedMessage(redacted, redactions, profile);
    }

    public MessageUnderstanding Understand(RedactedMessage message) => analyzer.Understand(message.Text, message.Profile);
}
