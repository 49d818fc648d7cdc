namespace Parley.Engine.Intents;

/// <summary>One training or evaluation example: a user message and the intent it expresses.</summary>
public sealed record LabeledUtterance(string Text, string Intent);
