using System.Text;
using System.Text.Json;

namespace Parley.Engine.Intents;

/// <summary>The CLINC150 splits (Larson et al. 2019), with "oos" renamed to <see cref="IntentModel.OutOfScopeIntent"/>.</summary>
public sealed record Clinc150Dataset(
    IReadOnlyList<LabeledUtterance> Train,
    IReadOnlyList<LabeledUtterance> Validation,
    IReadOnlyList<LabeledUtterance> Test,
    IReadOnlyList<LabeledUtterance> OutOfScopeTrain,
    IReadOnlyList<LabeledUtterance> OutOfScopeValidation,
    IReadOnlyList<LabeledUtterance> OutOfScopeTest);

/// <summary>Loaders for the public intent data sets used to measure the classifier.</summary>
public static class IntentDatasets
{
    /// <summary>Reads <c>data_full.json</c> (or another CLINC150 variant): keys train, val, test, oos_*; lists of [utterance, intent].</summary>
    public static Clinc150Dataset LoadClinc150(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        var root = document.RootElement;
        return new Clinc150Dataset(
            Split(root, "train"),
            Split(root, "val"),
            Split(root, "test"),
            Split(root, "oos_train"),
            Split(root, "oos_val"),
            Split(root, "oos_test"));
    }

    /// <summary>Reads an HWU64 CSV (<c>train.csv</c> or <c>test.csv</c>): the text and category columns.</summary>
    public static IReadOnlyList<LabeledUtterance> LoadHwu64(string path) => LoadCsv(path, "category");

    /// <summary>Reads a few-shot split (<c>fewshot_dnnc_splits/train_10.csv</c> of CLINC150 or HWU64): the text and label columns.</summary>
    public static IReadOnlyList<LabeledUtterance> LoadFewShot(string path) =>
        LoadCsv(path, "label").Select(u => u.Intent == "oos" ? u with { Intent = IntentModel.OutOfScopeIntent } : u).ToList();

    /// <summary>
    /// <paramref name="shots"/> examples of every intent drawn from <paramref name="pool"/> with a seed: further
    /// few-shot splits beside the published one, so a figure comes with its spread over splits.
    /// </summary>
    public static IReadOnlyList<LabeledUtterance> SampleShots(IEnumerable<LabeledUtterance> pool, int shots, int seed)
    {
        var random = new SplitMix64(seed);
        var sample = new List<LabeledUtterance>();
        foreach (var group in pool.GroupBy(u => u.Intent).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var items = group.ToArray();
            random.Shuffle(items);
            sample.AddRange(items.Take(shots));
        }

        return sample;
    }

    private static List<LabeledUtterance> LoadCsv(string path, string labelColumn)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        var header = ParseCsvLine(reader.ReadLine() ?? throw new InvalidDataException($"{path} is empty."));
        var text = header.IndexOf("text");
        var category = header.IndexOf(labelColumn);
        if (text < 0 || category < 0)
        {
            throw new InvalidDataException($"{path} lacks the text and {labelColumn} columns.");
        }

        var rows = new List<LabeledUtterance>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var fields = ParseCsvLine(line);
            if (fields.Count <= Math.Max(text, category))
            {
                throw new InvalidDataException($"{path}: a row has fewer fields than the header.");
            }

            rows.Add(new LabeledUtterance(fields[text], fields[category]));
        }

        return rows;
    }

    private static List<LabeledUtterance> Split(JsonElement root, string name)
    {
        var items = new List<LabeledUtterance>();
        foreach (var pair in root.GetProperty(name).EnumerateArray())
        {
            var intent = pair[1].GetString()!;
            items.Add(new LabeledUtterance(pair[0].GetString()!, intent == "oos" ? IntentModel.OutOfScopeIntent : intent));
        }

        return items;
    }

    /// <summary>RFC 4180 fields of one line; the HWU64 files quote every field and have no line breaks inside one.</summary>
    internal static List<string> ParseCsvLine(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }
}
