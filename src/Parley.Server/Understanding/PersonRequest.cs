namespace Parley.Server.Understanding;

/// <summary>
/// Whether a message asks for a person. The intent model reads "I'd like to…" and "how do I…" as a
/// request for one (the phrasing, not the want); a handoff needs the customer to name who they want.
/// </summary>
public static class PersonRequest
{
    private static readonly HashSet<string> Words = new(StringComparer.Ordinal)
    {
        "human", "humans", "person", "people", "agent", "agents", "representative", "rep", "someone", "somebody", "anyone", "anybody",
        "staff", "operator", "manager", "supervisor", "advisor", "adviser", "employee", "assistant", "live", "real", "support", "service",
        "team", "call", "phone", "callback", "talk", "speak", "chat", "man", "woman", "guy", "colleague", "escalate", "helpdesk",
    };

    public static bool NamesWhom(string text) => Knowledge.TextAnalysis.Words(text).Any(Words.Contains);
}
