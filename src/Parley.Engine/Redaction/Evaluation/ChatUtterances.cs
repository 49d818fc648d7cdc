using System.Text;
using System.Text.RegularExpressions;
using Parley.Engine.Intents;
using Parley.Engine.Redaction.Detectors;
using Parley.Engine.Redaction.Learned;

namespace Parley.Engine.Redaction.Evaluation;

/// <summary>Which part of the intent data sets: training (the tagger learns from it), validation (thresholds are tuned on it), test (only reported).</summary>
public enum ChatSplit
{
    Train,
    Validation,
    Test,
}

/// <summary>
/// Ordinary chat text without personal data, from the public intent data sets (CLINC150 <c>data_full.json</c>,
/// HWU64 <c>train.csv</c> / <c>test.csv</c> under one <c>intents</c> directory): what customers type, which the
/// tagger must leave alone. HWU64 rows whose annotation marks a person, a place or a business are left out (they
/// are not entity-free); CLINC150 has no annotation and is taken whole. Read at training and evaluation time
/// only: the data is not shipped, the model trained on it is.
/// </summary>
public static partial class ChatUtterances
{
    private static readonly HashSet<string> EntitySlots = new(StringComparer.Ordinal)
    {
        "person", "place_name", "business_name", "artist_name", "audiobook_author", "personal_info", "email_address",
        "transport_agency", "radio_name", "podcast_name", "song_name", "movie_name", "game_name", "playlist_name",
        "audiobook_name", "music_album", "event_name", "transport_name",
    };

    /// <summary>Utterances of one split, typed as people type them (<see cref="AsTyped"/>). HWU64 has no validation split.</summary>
    public static IReadOnlyList<string> Load(string intentsDirectory, ChatSplit split)
    {
        var clinc = Path.Combine(intentsDirectory, "clinc150", "data_full.json");
        var hwu = Path.Combine(intentsDirectory, "hwu64");
        if (!File.Exists(clinc) || !Directory.Exists(hwu))
        {
            throw new FileNotFoundException($"No chat text at {intentsDirectory}: expected clinc150/data_full.json and hwu64/.");
        }

        var data = IntentDatasets.LoadClinc150(clinc);
        var utterances = split switch
        {
            ChatSplit.Train => [.. data.Train, .. data.OutOfScopeTrain],
            ChatSplit.Validation => [.. data.Validation, .. data.OutOfScopeValidation],
            _ => data.Test.Concat(data.OutOfScopeTest).ToList(),
        };
        var texts = utterances.Select(u => u.Text).ToList();
        if (split != ChatSplit.Validation)
        {
            texts.AddRange(EntityFreeHwu64(Path.Combine(hwu, split == ChatSplit.Train ? "train.csv" : "test.csv")));
        }

        return texts.Where(t => !string.IsNullOrWhiteSpace(t)).Select(AsTyped).ToList();
    }

    /// <summary>"can i still get a refund" → "Can I still get a refund": the first letter and the pronoun capitalised, as people type.</summary>
    public static string AsTyped(string utterance)
    {
        var text = PronounI().Replace(utterance.Trim(), "I");
        return text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
    }

    /// <summary>
    /// Training negatives: every utterance as typed, no span in it; one in <paramref name="titleCaseEvery"/> also has
    /// one more of its words (not a function word) capitalised at random, as people write product names and
    /// features ("my Parcel", "in Settings"), so capitalisation alone stops being evidence of a name.
    /// </summary>
    public static List<TaggerExample> Negatives(IReadOnlyList<string> utterances, int titleCaseEvery = 3, int seed = 23)
    {
        var random = new SplitMix64(seed);
        var examples = new List<TaggerExample>(utterances.Count);
        for (var n = 0; n < utterances.Count; n++)
        {
            var text = utterances[n];
            if (titleCaseEvery > 0 && n % titleCaseEvery == 0)
            {
                var words = Word().Matches(text).Where(m => m.Index > 0 && !CommonWords.IsStopWord(m.ValueSpan) && char.IsLower(m.Value[0])).ToList();
                if (words.Count > 0)
                {
                    var pick = words[random.NextInt(words.Count)];
                    var chars = new StringBuilder(text);
                    chars[pick.Index] = char.ToUpperInvariant(chars[pick.Index]);
                    text = chars.ToString();
                }
            }

            examples.Add(new TaggerExample(text, []));
        }

        return examples;
    }

    /// <summary>Every k-th item, so a limit takes evenly from every intent rather than the first few.</summary>
    public static List<string> Spread(IReadOnlyList<string> items, int count)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (count >= items.Count)
        {
            return [.. items];
        }

        var step = (double)items.Count / count;
        return [.. Enumerable.Range(0, count).Select(i => items[(int)(i * step)])];
    }

    private static IEnumerable<string> EntityFreeHwu64(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        var header = IntentDatasets.ParseCsvLine(reader.ReadLine() ?? throw new InvalidDataException($"{path} is empty."));
        var text = header.IndexOf("text");
        var annotation = header.IndexOf("answer_annotation");
        if (text < 0 || annotation < 0)
        {
            throw new InvalidDataException($"{path} lacks the text and answer_annotation columns.");
        }

        while (reader.ReadLine() is { } line)
        {
            var fields = line.Length == 0 ? [] : IntentDatasets.ParseCsvLine(line);
            if (fields.Count > Math.Max(text, annotation) && !Slot().Matches(fields[annotation]).Any(m => EntitySlots.Contains(m.Groups[1].Value)))
            {
                yield return fields[text];
            }
        }
    }

    [GeneratedRegex(@"\bi\b")]
    private static partial Regex PronounI();

    [GeneratedRegex(@"\p{L}[\p{L}']*")]
    private static partial Regex Word();

    [GeneratedRegex(@"\[(\w+) :")]
    private static partial Regex Slot();
}
