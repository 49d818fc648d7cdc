using System.Text.RegularExpressions;

namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// People's names without a model or a name list. A candidate is a run of capitalised words that are not
/// common English (initials and particles such as "van de" allowed inside, see <see cref="NameRuns"/>); it
/// counts as a name only with evidence:
/// <list type="bullet">
/// <item>a cue before it ("my name is", "Dear", "Mr.", "speak to", "my partner", "said", "change it to");</item>
/// <item>a cue after it that only people take ("said", "lives", "is very kind", "as a beneficiary", "'s wife",
/// a dialogue colon at a line start, "?" or "!" after a vocative comma);</item>
/// <item>for a full name: a middle initial ("Faina D. Yefremova"), a possessive, or "by"/"under" before it;</item>
/// <item>it stands alone on the first line of a message (a signature block) or under "address:";</item>
/// <item>it is listed with, or repeats, a name that has evidence ("Dale and White"; "Yuri Bulgakov ...
/// early Bulgakov"), or is in a list introduced by a word for people ("our founders: A, B and C").</item>
/// </list>
/// Two capitalised words alone are not enough: support messages are full of "Microsoft Excel" and
/// "Google Chrome", and a wrongly redacted product garbles the question the model has to answer.
/// A message typed entirely in lower case is read the same way with lower-case words as candidates.
/// </summary>
internal sealed class PersonDetector : IPiiDetector
{
    private const int Window = 48;

    public IEnumerable<PiiSpan> Find(string text)
    {
        var lowerCase = !text.Any(char.IsUpper);
        var phrases = lowerCase ? PersonCues.LowerCasePhrase() : PersonCues.CapitalisedPhrase();
        var names = new List<NameRun>();
        var unproven = new List<NameRun>();
        foreach (Match phrase in phrases.Matches(text))
        {
            foreach (var run in NameRuns.In(text, phrase.Index, phrase.Index + phrase.Length, lowerCase))
            {
                (HasEvidence(text, run, lowerCase) ? names : unproven).Add(run);
            }
        }

        if (!lowerCase)
        {
            AddLowerCaseAfterStrongCue(text, names);
        }

        NameEvidence.Propagate(text, names, unproven);
        return names.Select(n => new PiiSpan(PiiTypes.Person, n.Start, n.End, PiiPriority.Guess));
    }

    private static bool HasEvidence(string text, NameRun run, bool lowerCase)
    {
        var after = text.AsSpan(run.End, Math.Min(40, text.Length - run.End));
        if (PersonCues.OrganisationAfter().IsMatch(after) || NameRuns.HasOrganisationWord(text, run))
        {
            return false;
        }

        var lineStart = text.LastIndexOf('\n', Math.Max(0, run.Start - 1)) + 1;
        var from = Math.Max(lineStart, run.Start - Window);
        var before = text.AsSpan(from, run.Start - from);

        // In a lower-case message every word is a candidate, so prepositions ("under debate") prove nothing.
        if ((PersonCues.Before().IsMatch(before) && !(lowerCase && PersonCues.WeakBefore().IsMatch(before)))
            || (run.Words >= 2 && PersonCues.ByOrUnder().IsMatch(before))
            || PersonCues.After().IsMatch(after)
            || (run.Words >= 2 && (run.HasInitial || after.StartsWith("'s") || after.StartsWith("’s")))
            || (!lowerCase && before.TrimEnd().EndsWith(',') && PersonCues.EndOfVocative().IsMatch(after)))
        {
            return true;
        }

        var lineEnd = text.IndexOf('\n', run.End);
        var restOfLine = text.AsSpan(run.End, (lineEnd < 0 ? text.Length : lineEnd) - run.End);
        var opensLine = before.TrimStart(" \t>?*-•").Length == 0;
        if (opensLine && PersonCues.SpeakerColon().IsMatch(restOfLine))
        {
            return true;
        }

        if (restOfLine.Trim().Length == 0 && lineEnd >= 0 && PersonCues.AddressLabel().IsMatch(before))
        {
            return true;
        }

        if (lowerCase)
        {
            return false;
        }

        // A signature or address block opens with the person's name on a line of its own.
        return opensLine && lineEnd >= 0 && run.Words >= 2 && restOfLine.Trim().Length == 0
            && text.AsSpan(0, lineStart).Trim(" \t\r\n>?*-•").Length == 0;
    }

    /// <summary>"my name is borna jerković" in an otherwise capitalised message.</summary>
    private static void AddLowerCaseAfterStrongCue(string text, List<NameRun> names)
    {
        foreach (Match cue in PersonCues.StrongCue().Matches(text))
        {
            var at = cue.Index + cue.Length;
            var phrase = PersonCues.LowerCasePhrase().Match(text, at);
            if (!phrase.Success || phrase.Index != at)
            {
                continue;
            }

            var run = NameRuns.In(text, at, phrase.Index + phrase.Length, lowerCaseNames: true).FirstOrDefault();
            if (run.End > run.Start && run.Start == at && run.Words <= 3 && !names.Exists(n => n.Overlaps(run)))
            {
                names.Add(run);
            }
        }
    }
}
