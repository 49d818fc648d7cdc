using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>Looks for a cue word in a window of text around a candidate.</summary>
internal static class Cues
{
    /// <summary>Cheap pre-check: most detectors look for numbers and can skip a message without digits.</summary>
    public static bool HasDigit(string text) => text.AsSpan().ContainsAnyInRange('0', '9');

    public static bool Before(string text, int start, int window, Regex cue)
    {
        var from = Math.Max(0, start - window);
        return cue.IsMatch(text.AsSpan(from, start - from));
    }

    public static bool After(string text, int end, int window, Regex cue)
    {
        var length = Math.Min(window, text.Length - end);
        return cue.IsMatch(text.AsSpan(end, length));
    }
}
