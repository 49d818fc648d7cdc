using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// Presidio's TITLE: honorifics before a name (<c>Mr.</c>, <c>Mrs</c>, <c>Dr.</c>) as their own span, the
/// name being left to the person detector; and job titles where the wording says it is one ("I used to work
/// for Deloitte as Midwife,", "worked as a sewer pipe cleaner.") or on the line under the name that opens a
/// signature block. A job title is recognised by its last word, a role noun ("clerk", "manager",
/// "technician", most words in -er/-or/-ist/-ian/-ant). Words such as "Sir" or "Miss" are only titles before
/// a capitalised word, so "Excuse me, sir" is not redacted.
/// </summary>
internal sealed partial class TitleDetector : IPiiDetector
{
    private const int MaxJobWords = 6;

    public IEnumerable<PiiSpan> Find(string text)
    {
        foreach (Match match in Honorific().Matches(text))
        {
            var title = match.Groups["title"];
            yield return new PiiSpan(PiiTypes.Title, title.Index, title.Index + title.Length, PiiPriority.Heuristic);
        }

        foreach (Match match in WorkedAs().Matches(text))
        {
            var job = match.Groups["job"];
            if (IsJobTitle(job.Value))
            {
                yield return new PiiSpan(PiiTypes.Title, job.Index, job.Index + job.Length, PiiPriority.Guess);
            }
        }

        if (SignatureJobLine(text) is { } line)
        {
            yield return line;
        }
    }

    /// <summary>"Janka M. Szász\n\nNetwork and computer systems administrator\n\n...": the line under the opening name.</summary>
    private static PiiSpan? SignatureJobLine(string text)
    {
        var lines = NonEmptyLines().Matches(text);
        if (lines.Count < 3 || !OpeningName().IsMatch(lines[0].Value))
        {
            return null;
        }

        var second = lines[1];
        var value = second.Value.Trim().TrimStart('>', '?', ' ');
        var start = second.Index + second.Value.IndexOf(value, StringComparison.Ordinal);
        return IsJobTitle(value) && value.IndexOfAny([':', '@']) < 0 && !value.Any(char.IsDigit)
            ? new PiiSpan(PiiTypes.Title, start, start + value.Length, PiiPriority.Guess)
            : null;
    }

    private static bool IsJobTitle(string phrase)
    {
        var words = phrase.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length is 0 or > MaxJobWords)
        {
            return false;
        }

        // A capitalised last word ending in -er ("Explorer") is as often a company; role nouns are listed.
        var last = words[^1].ToLowerInvariant();
        return RoleNouns.Contains(last)
            || (last.Length > 4 && char.IsLower(words[^1][0]) && (last.EndsWith("er", StringComparison.Ordinal) || last.EndsWith("or", StringComparison.Ordinal)
                || last.EndsWith("ist", StringComparison.Ordinal) || last.EndsWith("ian", StringComparison.Ordinal)
                || last.EndsWith("ant", StringComparison.Ordinal)) && !NotRoles.Contains(last));
    }

    private static readonly HashSet<string> RoleNouns = new(
        ["clerk", "midwife", "nurse", "chef", "cook", "officer", "agent", "analyst", "architect", "assistant", "attendant",
         "engineer", "executive", "head", "lead", "specialist", "surgeon", "therapist", "tutor", "secretary", "treasurer",
         "coordinator", "associate", "representative", "president", "intern", "auditor", "pilot", "guard", "maid", "nanny",
         "aide", "dentist", "paramedic", "barista", "cashier", "mechanic", "electrician", "plumber", "carpenter",
         "manager", "director", "consultant", "administrator", "technician", "developer", "designer", "teacher",
         "librarian", "driver", "controller", "supervisor", "operator", "accountant", "lawyer", "doctor", "programmer",
         "researcher", "scientist", "editor", "writer", "singer", "packager", "cleaner", "distributor"],
        StringComparer.Ordinal);

    // Words in -er/-or that are not jobs, typical of the words that end such a line or clause.
    private static readonly HashSet<string> NotRoles = new(
        ["after", "other", "either", "neither", "never", "ever", "however", "order", "number", "paper", "letter",
         "matter", "water", "center", "corner", "floor", "door", "error", "color", "colour", "major", "minor", "favor",
         "favour", "honor", "honour", "account", "amount", "payment", "restaurant", "important", "want", "plant", "tenant",
         "christian", "asian", "italian", "canadian", "brazilian", "indian", "australian", "norwegian", "austrian",
         "hungarian", "belgian", "russian", "list", "first", "last", "best", "rest", "test", "interest", "request"],
        StringComparer.Ordinal);

    // Abbreviations with a full stop are distinctive enough in any case ("mr. elliott" in a lower-cased
    // message); bare words need a capitalised name after them.
    [GeneratedRegex(@"(?<![\p{L}\p{N}_])(?:(?<title>(?i:mr|mrs|ms|mx|dr|prof|rev|fr|capt|sgt|lt|col|gen|hon)\.)(?=\s+\p{L})|(?<title>Mr|Mrs|Ms|Mx|Dr|Prof|Miss|Madam|Mme|Mlle|Sir|Dame|Lord|Lady|Herr|Frau|Doctor|Professor)(?=\s+\p{Lu}\p{Ll}))")]
    private static partial Regex Honorific();

    [GeneratedRegex(@"(?i)\b(?:work(?:s|ed|ing)?|employed|hired|started|job|position|role|career)\b[^.,;!?\n]{0,60}?\bas\s+(?:an?\s+)?(?<job>\p{L}[\p{L}\-']*(?:[ ]\p{L}[\p{L}\-']*){0,5}?)(?=\s*(?:[.,;!?\n]|$|\s(?:at|for|in|but|and|since|until)\b))")]
    private static partial Regex WorkedAs();

    [GeneratedRegex(@"(?m)^[ \t>?]*\S[^\n]*$")]
    private static partial Regex NonEmptyLines();

    [GeneratedRegex(@"^[ \t>?]*\p{Lu}[\p{L}'\-]+(?:[ ]+(?:\p{Lu}\.?|\p{L}{1,3}|\p{Lu}[\p{L}'\-]+)){1,3}\s*$")]
    private static partial Regex OpeningName();
}
