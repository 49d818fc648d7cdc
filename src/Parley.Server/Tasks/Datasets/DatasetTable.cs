using System.Globalization;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;

namespace Parley.Server.Tasks.Datasets;

/// <summary>
/// A dataset as a table of text cells: a CSV (header row first, delimiter detected) or JSON (an
/// array of objects, or an object holding one such array; columns are the keys in first-seen order,
/// nested values are kept as their JSON text). Unreadable input is a <see cref="TaskInputException"/>.
/// </summary>
public sealed record DatasetTable(string[] Header, List<string[]> Rows)
{
    public const string Csv = "csv";
    public const string Json = "json";

    /// <summary>JSON when the file name or content says so, CSV otherwise.</summary>
    public static string DetectFormat(string? fileName, string? contentType, string content)
    {
        if (fileName?.EndsWith(".json", StringComparison.OrdinalIgnoreCase) == true || contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            return Json;
        }

        return fileName?.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) != true && content.TrimStart() is ['[' or '{', ..] ? Json : Csv;
    }

    public static DatasetTable Parse(string format, string content, int maxRows)
        => format == Json ? ParseJson(content, maxRows) : ParseCsv(content, maxRows);

    public static DatasetTable ParseCsv(string csv, int maxRows)
    {
        try
        {
            using var reader = new StringReader(csv);
            using var parser = new CsvParser(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { DetectDelimiter = true, BadDataFound = null });
            if (!parser.Read() || parser.Record is not { Length: > 0 } header)
            {
                throw new TaskInputException("The dataset is empty: send a CSV with a header row.");
            }

            var rows = new List<string[]>();
            while (parser.Read())
            {
                if (rows.Count >= maxRows)
                {
                    throw new TaskInputException($"The dataset has more than {maxRows:N0} rows.");
                }

                var record = parser.Record!;
                if (record.Length == 1 && record[0].Length == 0)
                {
                    continue;
                }

                rows.Add(record);
            }

            return rows.Count == 0 ? throw new TaskInputException("The dataset has a header but no rows.") : new DatasetTable(header, rows);
        }
        catch (CsvHelperException e)
        {
            throw new TaskInputException("The dataset is not valid CSV: " + e.Message.Split('\n')[0]);
        }
    }

    public static DatasetTable ParseJson(string json, int maxRows)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            throw new TaskInputException("The dataset is not valid JSON: " + e.Message.Split('\n')[0]);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array).Take(2).ToList() is [var only])
            {
                root = only.Value;
            }

            if (root.ValueKind != JsonValueKind.Array || root.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Object))
            {
                throw new TaskInputException("A JSON dataset is an array of objects (one per row), or an object holding one such array.");
            }

            var columns = new List<string>();
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            var records = new List<Dictionary<string, string>>();
            foreach (var item in root.EnumerateArray())
            {
                if (records.Count >= maxRows)
                {
                    throw new TaskInputException($"The dataset has more than {maxRows:N0} rows.");
                }

                var record = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var property in item.EnumerateObject())
                {
                    if (index.TryAdd(property.Name, columns.Count))
                    {
                        columns.Add(property.Name);
                    }

                    record[property.Name] = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString()!,
                        JsonValueKind.Null => string.Empty,
                        _ => property.Value.GetRawText(),
                    };
                }

                records.Add(record);
            }

            if (records.Count == 0 || columns.Count == 0)
            {
                throw new TaskInputException("The dataset has no rows.");
            }

            return new DatasetTable([.. columns], records.Select(r => columns.Select(c => r.GetValueOrDefault(c, string.Empty)).ToArray()).ToList());
        }
    }
}
