using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Parley.Server.Knowledge;

/// <summary>A passage before it is stored: its heading (or FAQ question) and its text.</summary>
public sealed record ChunkDraft(string Title, string Text);

/// <summary>
/// Clean and split. Text is cut at paragraph, then sentence boundaries into pieces of about
/// <c>ChunkChars</c> with a little overlap, each titled by the nearest heading above it. FAQ pairs
/// are one chunk each: the question is the title and both are indexed.
/// </summary>
public static partial class Chunker
{
    public static string Clean(string text)
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        text = ControlChars().Replace(text, " ");
        text = SpaceRuns().Replace(text, " ");
        text = BlankLines().Replace(text, "\n\n");
        return text.Trim();
    }

    public static List<ChunkDraft> Split(string text, string defaultTitle, int chunkChars, int overlapChars)
    {
        var chunks = new List<ChunkDraft>();
        var title = defaultTitle;
        var buffer = new StringBuilder();
        var fresh = false; // the buffer holds more than the overlap carried from the previous chunk
        void Flush(bool carry)
        {
            var piece = buffer.ToString().Trim();
            buffer.Clear();
            if (!fresh || piece.Length == 0)
            {
                return;
            }

            chunks.Add(new ChunkDraft(title, piece));
            fresh = false;
            if (carry && overlapChars > 0 && piece.Length > overlapChars)
            {
                // Carry the tail (from a word boundary) so a sentence cut at the edge is findable in both.
                var tail = piece[^overlapChars..];
                var space = tail.IndexOf(' ', StringComparison.Ordinal);
                buffer.Append(space >= 0 ? tail[(space + 1)..] : tail).Append(' ');
            }
        }

        foreach (var paragraph in Clean(text).Split("\n\n"))
        {
            var line = paragraph.Trim();
            if (line.StartsWith('#') && line.Length < 200 && !line.Contains('\n', StringComparison.Ordinal))
            {
                Flush(carry: false);
                title = line.TrimStart('#').Trim();
                continue;
            }

            foreach (var sentence in Sentences(line, chunkChars))
            {
                if (fresh && buffer.Length + sentence.Length > chunkChars)
                {
                    Flush(carry: true);
                }

                buffer.Append(sentence).Append(' ');
                fresh = true;
            }

            buffer.Append('\n');
        }

        Flush(carry: false);
        return chunks;
    }

    private static IEnumerable<string> Sentences(string paragraph, int max)
    {
        foreach (var sentence in SentenceEnd().Split(paragraph))
        {
            var s = sentence.Trim();
            for (var i = 0; i < s.Length; i += max)
            {
                yield return s.Substring(i, Math.Min(max, s.Length - i));
            }
        }
    }

    public static List<ChunkDraft> FaqChunks(IEnumerable<FaqPair> pairs)
        => pairs.Where(p => !string.IsNullOrWhiteSpace(p.Question) || !string.IsNullOrWhiteSpace(p.Answer))
            .Select(p => new ChunkDraft(Clean(p.Question ?? ""), Clean(p.Answer ?? ""))).ToList();

    /// <summary>
    /// FAQ content as stored: a JSON array of {question, answer}, or text with <c>Q:</c>/<c>A:</c> lines.
    /// </summary>
    public static List<FaqPair> ParseFaq(string content)
    {
        var trimmed = content.TrimStart();
        if (trimmed.StartsWith('['))
        {
            try
            {
                return JsonSerializer.Deserialize<List<FaqPair>>(trimmed, FaqJson) ?? [];
            }
            catch (JsonException)
            {
                // Not JSON after all: read it as Q:/A: text.
            }
        }

        var pairs = new List<FaqPair>();
        string? question = null;
        var answer = new StringBuilder();
        foreach (var raw in content.Split('\n'))
        {
            var line = raw.Trim();
            if (QuestionLine().Match(line) is { Success: true } q)
            {
                if (question is not null)
                {
                    pairs.Add(new FaqPair(question, answer.ToString().Trim()));
                }

                question = q.Groups[1].Value.Trim();
                answer.Clear();
            }
            else if (AnswerLine().Match(line) is { Success: true } a)
            {
                answer.Append(a.Groups[1].Value.Trim()).Append(' ');
            }
            else if (question is not null && line.Length > 0)
            {
                answer.Append(line).Append(' ');
            }
        }

        if (question is not null)
        {
            pairs.Add(new FaqPair(question, answer.ToString().Trim()));
        }

        return pairs;
    }

    internal static readonly JsonSerializerOptions FaqJson = new(JsonSerializerDefaults.Web);

    [GeneratedRegex(@"[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]")]
    private static partial Regex ControlChars();

    [GeneratedRegex(@"[ \t\u00A0]+")]
    private static partial Regex SpaceRuns();

    [GeneratedRegex(@"\n\s*\n\s*")]
    private static partial Regex BlankLines();

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"^(?:Q|Question)\s*[:.)-]\s*(.+)$", RegexOptions.IgnoreCase)]
    private static partial Regex QuestionLine();

    [GeneratedRegex(@"^(?:A|Answer)\s*[:.)-]\s*(.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex AnswerLine();
}

public sealed record FaqPair(string? Question, string? Answer);
