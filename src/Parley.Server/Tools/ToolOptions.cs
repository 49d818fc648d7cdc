using System.ComponentModel.DataAnnotations;

namespace Parley.Server.Tools;

/// <summary>Bounds on tool use within one turn.</summary>
public sealed class ToolOptions
{
    public const string Section = "Parley:Tools";

    /// <summary>Longest a single tool call may take.</summary>
    [Range(1, 300)]
    public int CallTimeoutSeconds { get; set; } = 20;

    /// <summary>Function-calling rounds with an LLM per turn (each round may call several tools).</summary>
    [Range(0, 20)]
    public int MaxSteps { get; set; } = 4;

    /// <summary>Tool calls per turn, all rounds together.</summary>
    [Range(1, 50)]
    public int MaxCallsPerTurn { get; set; } = 8;

    /// <summary>Wall-clock budget for the tool rounds of one turn; after it the model must answer.</summary>
    [Range(1, 600)]
    public int MaxSeconds { get; set; } = 60;

    /// <summary>Token budget (prompt + completion, all rounds); after it the model must answer.</summary>
    [Range(100, 10_000_000)]
    public int MaxTokens { get; set; } = 16_000;

    /// <summary>Longest tool result (characters of JSON) handed back to the model.</summary>
    [Range(100, 200_000)]
    public int MaxResultChars { get; set; } = 4000;

    /// <summary>
    /// Time limit of one <c>pattern</c> of a tool schema against one value, for the patterns the
    /// linear-time regex engine cannot run (backreferences, lookarounds); over it the value is refused.
    /// </summary>
    [Range(1, 10_000)]
    public int PatternTimeoutMilliseconds { get; set; } = 100;

    /// <summary>Sub-schemas a tool's parameter schema may have (each property, item, definition, combinator branch).</summary>
    [Range(10, 100_000)]
    public int MaxSchemaNodes { get; set; } = 1000;
}
