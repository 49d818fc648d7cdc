namespace Parley.Engine.Redaction.Detectors;

/// <summary>
/// A candidate name inside a phrase: <see cref="Words"/> counts its words except initials and particles,
/// <see cref="ProperWords"/> those that are not also common English words; <see cref="HasInitial"/> is set
/// for a middle initial ("Faina D. Yefremova"), which products and companies rarely have.
/// </summary>
internal readonly record struct NameRun(int Start, int End, int Words, int ProperWords, bool HasInitial = false)
{
    public bool Overlaps(NameRun other) => Start < other.End && other.Start < End;
}

/// <summary>
/// Splits a phrase of words into candidate names. A name starts at a word that is not common English,
/// runs on through further name words, common words ("King"), initials ("M.", "J") and particles
/// ("van de"), and ends at a stop word; trailing particles and initials are dropped.
/// </summary>
internal static class NameRuns
{
    private static readonly HashSet<string> Particles = new(
        ["van", "von", "de", "der", "den", "del", "della", "di", "da", "du", "dos", "das", "le", "la", "bin", "ibn", "al", "ter", "ten"],
        StringComparer.Ordinal);

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> ParticleLookup =
        Particles.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <param name="lowerCaseNames">The whole message is in lower case, so lower-case words may be names.</param>
    public static IEnumerable<NameRun> In(string text, int start, int end, bool lowerCaseNames)
    {
        var runStart = -1;
        var lastEnd = -1;
        var words = 0;
        var properWords = 0;
        var initial = false;
        var i = start;
        while (i < end)
        {
            var tokenEnd = text.IndexOf(' ', i, end - i);
            tokenEnd = tokenEnd < 0 ? end : tokenEnd;
            var kind = Classify(text.AsSpan(i, tokenEnd - i), lowerCaseNames);
            if (kind == Kind.Name || (runStart >= 0 && kind == Kind.Common))
            {
                runStart = runStart < 0 ? i : runStart;
                initial |= lastEnd >= 0 && lastEnd < i - 1 && IsInitial(text, lastEnd, i);
                lastEnd = tokenEnd;
                words++;
                properWords += kind == Kind.Name ? 1 : 0;
            }
            else if (kind == Kind.Stop || runStart < 0)
            {
                if (runStart >= 0)
                {
                    yield return new NameRun(runStart, lastEnd, words, properWords, initial);
                }

                runStart = -1;
                lastEnd = -1;
                words = 0;
                properWords = 0;
                initial = false;
            }

            i = tokenEnd;
            while (i < end && text[i] == ' ')
            {
                i++;
            }
        }

        if (runStart >= 0)
        {
            yield return new NameRun(runStart, lastEnd, words, properWords, initial);
        }
    }

    /// <summary>Between two words of the run stands a single capital, with or without a full stop.</summary>
    private static bool IsInitial(string text, int previousEnd, int nextStart)
    {
        var between = text.AsSpan(previousEnd, nextStart - previousEnd).Trim(' ');
        return between.Length is 1 or 2 && char.IsUpper(between[0]) && (between.Length == 1 || between[1] == '.');
    }

    /// <summary>"Climate Corporation", "Abt Associates": a company word inside the run.</summary>
    public static bool HasOrganisationWord(string text, NameRun run)
    {
        foreach (var range in text.AsSpan(run.Start, run.End - run.Start).Split(' '))
        {
            var word = text.AsSpan(run.Start + range.Start.Value, range.End.Value - range.Start.Value).TrimEnd('.');
            if (OrganisationWordLookup.Contains(word) || Countries.IsCountry(word) || Countries.IsNationality(word))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly HashSet<string> OrganisationWords = new(
        """
        inc llc ltd limited corp corporation company co group plc gmbh ag sa bank software technologies technology
        systems solutions insurance capital partners associates holdings labs media university college school
        hospital foundation institute orchestra club foods motors consulting research investments markets lines
        airlines airways services industries enterprises networks analytics data digital global international
        ventures studios pharmaceuticals energy logistics health care unlimited incorporated
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries),
        StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> OrganisationWordLookup =
        OrganisationWords.GetAlternateLookup<ReadOnlySpan<char>>();

    private enum Kind
    {
        Name,
        Common,
        Stop,
        Joiner,
    }

    private static Kind Classify(ReadOnlySpan<char> token, bool lowerCaseNames)
    {
        var word = token.TrimEnd('.');
        if (word.Length == 0)
        {
            return Kind.Stop;
        }

        if (ParticleLookup.Contains(word) && !lowerCaseNames)
        {
            return Kind.Joiner;
        }

        if (word.Length == 1)
        {
            return char.IsLetter(word[0]) ? Kind.Joiner : Kind.Stop;
        }

        if (CommonWords.IsStopWord(word))
        {
            return Kind.Stop;
        }

        if (!char.IsUpper(word[0]) && !lowerCaseNames)
        {
            return Kind.Stop;
        }

        return CommonWords.IsCommonWord(word) ? Kind.Common : Kind.Name;
    }
}
