using System.Text;

namespace Parley.Server.Knowledge;

/// <summary>
/// The bounds one untrusted file is read under (issue 13): how much text it may yield, how deep
/// its structure may nest, how far an archive may unpack, and until when. Every extractor writes
/// its output through <see cref="Append(string)"/> so no format can grow text past the limit, and
/// calls <see cref="Check"/> in its loops so a slow file stops at the deadline.
/// </summary>
public sealed class TextBudget(KnowledgeOptions options, CancellationToken deadline)
{
    private readonly StringBuilder _text = new();

    public int MaxChars { get; } = options.MaxExtractedChars;
    public int MaxDepth { get; } = options.MaxNestingDepth;
    public long MaxUnpackedBytes { get; } = options.MaxUnpackedBytes;
    public int MaxArchiveEntries { get; } = options.MaxArchiveEntries;

    public int Length => _text.Length;

    public TextBudget Append(string value) => Append(value.AsSpan());

    public TextBudget Append(char value) => Append([value]);

    public TextBudget Append(ReadOnlySpan<char> value)
    {
        Reserve(value.Length);
        _text.Append(value);
        return this;
    }

    /// <summary>Throws when <paramref name="more"/> characters would take the text past the limit.</summary>
    public void Reserve(long more)
    {
        if (_text.Length + more > MaxChars)
        {
            throw TooMuchText(MaxChars);
        }
    }

    public void Check() => deadline.ThrowIfCancellationRequested();

    public void CheckDepth(int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ExtractionException($"document too complex: its elements are nested more than {MaxDepth} levels deep.");
        }
    }

    public override string ToString() => _text.ToString();

    public static ExtractionException TooMuchText(int maxChars) => new($"document too large: more than {maxChars} characters of text.");
}
