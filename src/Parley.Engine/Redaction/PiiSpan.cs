namespace Parley.Engine.Redaction;

/// <summary>
/// A candidate found by one detector: character offsets into the original text, end exclusive.
/// <paramref name="Priority"/> settles overlaps: checksum-validated numbers outrank pattern matches,
/// which outrank context heuristics (see <see cref="PiiPriority"/>).
/// </summary>
public readonly record struct PiiSpan(string Type, int Start, int End, int Priority)
{
    public int Length => End - Start;

    public bool Overlaps(PiiSpan other) => Start < other.End && other.Start < End;
}

/// <summary>Shared priority levels, so detectors written apart still rank consistently.</summary>
public static class PiiPriority
{
    /// <summary>Passed a checksum or structural validation (Luhn, mod-97, SSN area rules).</summary>
    public const int Validated = 90;

    /// <summary>An unmistakable shape (email, URL, IP address).</summary>
    public const int Shape = 80;

    /// <summary>
    /// A value its own label names ("DOB: 01/02/1980"): outranks the same text read as a mere date, so the
    /// stricter type wins when both detectors see it.
    /// </summary>
    public const int Labelled = 77;

    /// <summary>A specific cue right before the value ("driver's license number is ...").</summary>
    public const int StrongContext = 75;

    /// <summary>A formatted pattern that other things rarely take (dates, phone numbers).</summary>
    public const int Pattern = 70;

    /// <summary>A generic digit run accepted because of its shape or a nearby word.</summary>
    public const int Weak = 60;

    /// <summary>Multi-token heuristics (addresses, ages).</summary>
    public const int Heuristic = 50;

    /// <summary>Guesses from capitalisation and cue words (people, bare years, postcodes).</summary>
    public const int Guess = 40;
}

/// <summary>One kind of personal data. Implementations are stateless and thread-safe.</summary>
public interface IPiiDetector
{
    IEnumerable<PiiSpan> Find(string text);
}
