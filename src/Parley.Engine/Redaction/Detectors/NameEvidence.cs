using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>Evidence that one name lends to others in the same message.</summary>
internal static partial class NameEvidence
{
    /// <summary>
    /// Moves candidates into <paramref name="names"/> when they are listed beside a name ("A, B and C"),
    /// belong to a list of three or more, or repeat a name or one of its words seen with evidence.
    /// </summary>
    public static void Propagate(string text, List<NameRun> names, List<NameRun> unproven)
    {
        AddLongLists(text, names, unproven);
        bool changed;
        do
        {
            changed = false;
            for (var i = unproven.Count - 1; i >= 0; i--)
            {
                var candidate = unproven[i];
                if (names.Exists(n => AreListed(text, n, candidate) || AreListed(text, candidate, n) || Repeats(text, n, candidate)))
                {
                    names.Add(candidate);
                    unproven.RemoveAt(i);
                    changed = true;
                }
            }
        }
        while (changed);
    }

    /// <summary>
    /// "They had 6: Matheus, Janet, Nicholas, Kevin and Terri": three or more capitalised words in a row,
    /// introduced by a word for people. Without that word a list is as likely "Chrome, Firefox and Safari".
    /// </summary>
    private static void AddLongLists(string text, List<NameRun> names, List<NameRun> unproven)
    {
        var all = names.Concat(unproven).OrderBy(r => r.Start).ToList();
        var listStart = 0;
        for (var i = 1; i <= all.Count; i++)
        {
            if (i < all.Count && AreListed(text, all[i - 1], all[i]))
            {
                continue;
            }

            if (i - listStart >= 3 && Cues.Before(text, all[listStart].Start, 40, PeopleWord()))
            {
                foreach (var run in all.GetRange(listStart, i - listStart).Where(unproven.Contains))
                {
                    unproven.Remove(run);
                    names.Add(run);
                }
            }

            listStart = i;
        }
    }

    [GeneratedRegex(@"(?i)\b(?:they|them|we|founders?|children|kids|sons|daughters|friends|members|guests|attendees|employees|staff|team|siblings|brothers|sisters|parents|grandchildren|partners|owners|authors|artists|players|people|names|family|colleagues|winners|speakers|candidates)\b")]
    private static partial Regex PeopleWord();

    private static bool AreListed(string text, NameRun first, NameRun second)
    {
        if (second.Start <= first.End)
        {
            return false;
        }

        var between = text.AsSpan(first.End, second.Start - first.End);
        return between is ", " or " and " or ", and " or " & " or " or ";
    }

    /// <summary>The candidate is the name again, or its first or last word ("Bulgakov" after "Yuri Bulgakov").</summary>
    private static bool Repeats(string text, NameRun name, NameRun candidate)
    {
        var value = text.AsSpan(name.Start, name.End - name.Start);
        var other = text.AsSpan(candidate.Start, candidate.End - candidate.Start);
        if (other.Length < 3)
        {
            return false;
        }

        if (value.Equals(other, StringComparison.Ordinal))
        {
            return true;
        }

        var space = value.IndexOf(' ');
        var lastSpace = value.LastIndexOf(' ');
        return space > 0 && (value[..space].Equals(other, StringComparison.Ordinal)
            || value[(lastSpace + 1)..].Equals(other, StringComparison.Ordinal));
    }
}
