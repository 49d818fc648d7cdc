using System.Globalization;
using System.Text.RegularExpressions;
using Parley.Server.Knowledge;

namespace Parley.Server.Conversations.Llm;

/// <summary>What an LLM answer rests on: the passages its [n] markers name, and how sure it can be.</summary>
public static partial class LlmCitations
{
    /// <summary>Intents a reply needs no knowledge for: a confident one is not a "don't know".</summary>
    private static readonly HashSet<string> Conversational = new(["greet", "goodbye", "thanks", "affirm", "deny"], StringComparer.Ordinal);

    /// <summary>[1], [2, 3], [1][4]: the numbers, in order of first mention, that name a passage.</summary>
    public static List<int> Markers(string text, int passageCount)
    {
        var seen = new List<int>();
        foreach (Match match in MarkerPattern().Matches(text))
        {
            foreach (var part in match.Groups[1].Value.Split(','))
            {
                if (int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= passageCount && !seen.Contains(n))
                {
                    seen.Add(n);
                }
            }
        }

        return seen;
    }

    public static List<CitationView> Cited(string text, IReadOnlyList<Passage> passages)
        => Markers(text, passages.Count).Select(n => BuiltInAnswerEngine.Cite(passages[n - 1])).ToList();

    /// <summary>
    /// A handoff is as sure as the request for it; a cited answer as its best cited passage; an
    /// answer that cites nothing is treated as "not found" unless it is small talk the engine is sure of.
    /// </summary>
    public static double Confidence(AnswerContext context, IReadOnlyList<CitationView> cited)
    {
        var understood = context.Understanding;
        var confidence = context.Escalating ? Math.Max(understood.Confidence, 0.5)
            : cited.Count > 0 ? cited.Max(c => c.Confidence)
            : Conversational.Contains(understood.Intent) ? understood.Confidence
            : Math.Min(understood.Confidence, 0.3);
        return Math.Round(Math.Clamp(confidence, 0, 1), 4);
    }

    /// <summary>About four characters a token for English text; used only when the provider reports no usage.</summary>
    public static int EstimateTokens(int characters) => (characters + 3) / 4;

    [GeneratedRegex(@"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")]
    private static partial Regex MarkerPattern();
}
