using System.Text.RegularExpressions;

namespace Parley.Engine.Sentiment;

/// <summary>
/// A small lexicon scorer for support messages: -1 (angry) to +1 (delighted). Good enough to tell
/// a furious complaint from a neutral one, which is all escalation needs; negation ("not happy")
/// flips the next sentiment word and intensifiers ("very", "extremely") weigh it up.
/// </summary>
public static partial class SentimentScorer
{
    private static readonly Dictionary<string, double> Lexicon = new(StringComparer.OrdinalIgnoreCase)
    {
        ["angry"] = -0.9,
        ["furious"] = -1,
        ["terrible"] = -0.9,
        ["awful"] = -0.9,
        ["horrible"] = -0.9,
        ["worst"] = -1,
        ["useless"] = -0.8,
        ["ridiculous"] = -0.8,
        ["unacceptable"] = -0.9,
        ["disgusting"] = -0.9,
        ["hate"] = -0.9,
        ["disappointed"] = -0.7,
        ["disappointing"] = -0.7,
        ["frustrated"] = -0.7,
        ["frustrating"] = -0.7,
        ["annoyed"] = -0.6,
        ["annoying"] = -0.6,
        ["upset"] = -0.6,
        ["bad"] = -0.5,
        ["poor"] = -0.5,
        ["broken"] = -0.5,
        ["wrong"] = -0.4,
        ["scam"] = -0.9,
        ["fraud"] = -0.8,
        ["rude"] = -0.7,
        ["slow"] = -0.3,
        ["never"] = -0.3,
        ["complain"] = -0.5,
        ["complaint"] = -0.5,
        ["refund"] = -0.2,
        ["cancel"] = -0.2,
        ["waste"] = -0.7,
        ["sucks"] = -0.8,
        ["joke"] = -0.4,
        ["good"] = 0.5,
        ["great"] = 0.8,
        ["excellent"] = 0.9,
        ["amazing"] = 0.9,
        ["awesome"] = 0.9,
        ["love"] = 0.8,
        ["happy"] = 0.7,
        ["thanks"] = 0.5,
        ["thank"] = 0.5,
        ["helpful"] = 0.7,
        ["perfect"] = 0.9,
        ["nice"] = 0.5,
        ["fantastic"] = 0.9,
        ["wonderful"] = 0.9,
        ["pleased"] = 0.7,
        ["satisfied"] = 0.6,
        ["glad"] = 0.6,
        ["appreciate"] = 0.6,
    };

    private static readonly HashSet<string> Negations = new(StringComparer.OrdinalIgnoreCase) { "not", "no", "never", "isn't", "wasn't", "don't", "didn't", "doesn't", "can't", "won't", "hardly" };
    private static readonly HashSet<string> Intensifiers = new(StringComparer.OrdinalIgnoreCase) { "very", "really", "extremely", "so", "totally", "absolutely", "completely" };

    public static double Score(string text)
    {
        double total = 0;
        var hits = 0;
        var negate = false;
        var weight = 1.0;
        foreach (Match match in Words().Matches(text))
        {
            var word = match.Value;
            if (Negations.Contains(word))
            {
                negate = true;
                continue;
            }

            if (Intensifiers.Contains(word))
            {
                weight = 1.5;
                continue;
            }

            if (Lexicon.TryGetValue(word, out var value))
            {
                total += (negate ? -0.7 * value : value) * weight;
                hits++;
            }

            negate = false;
            weight = 1.0;
        }

        // Shouting and repeated exclamation marks read as anger in support chats.
        var exclamations = text.Count(c => c == '!');
        var shouting = text.Length >= 12 && text.Count(char.IsUpper) > text.Count(char.IsLetter) * 0.6;
        if (hits > 0 && total < 0 && (exclamations >= 2 || shouting))
        {
            total *= 1.3;
        }

        return hits == 0 ? 0 : Math.Clamp(total / Math.Sqrt(hits), -1, 1);
    }

    [GeneratedRegex(@"[A-Za-z']+")]
    private static partial Regex Words();
}
