namespace Parley.Server.Assistants;

/// <summary>
/// Settings of one assistant that replace the configured ones for its answers; null keeps the
/// configured value. The grounding and citation rules are always added after the system prompt.
/// </summary>
public sealed record LlmOverrides(string? Model = null, double? Temperature = null, string? SystemPrompt = null, int? MaxTokens = null);
