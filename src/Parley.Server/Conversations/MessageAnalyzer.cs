namespace Parley.Server.Conversations;

/// <summary>Redaction and understanding of customer messages (the built-in engine).</summary>
public sealed class MessageAnalyzer
{
    public (string Text, IReadOnlyList<RedactionView> Redactions) Redact(string text) => (text, []);

    public Understanding Understand(string redactedText) => new("out_of_scope", 0, [], [], 0);
}
