using System.Globalization;
using System.Text.Json;
using Parley.Server.Tasks.Datasets;

namespace Parley.Server.Tasks.Analysis;

/// <summary>
/// Figures over a dataset (an uploaded CSV or a registered dataset): each column is typed from its
/// values as numeric, boolean, date or categorical and described; the rows are narrowed to
/// <c>parameters.time_period</c> when a date column exists; the business metrics Three-Database Chatbot shows are
/// computed from columns found by name (<see cref="DatasetMetrics"/>); and with a date column the
/// rows are bucketed by <c>parameters.period</c> (month by default) into a trend.
/// </summary>
public static class DatasetFigures
{
    public const int MaxRows = 1_000_000;

    public static Figures Compute(DatasetTable table, JsonElement parameters)
    {
        var header = table.Header.Select((h, i) => string.IsNullOrWhiteSpace(h) ? $"column_{i + 1}" : h.Trim()).ToArray();
        var columns = header.Select((name, i) => Column.Of(name, table.Rows.Select(r => i < r.Length ? r[i].Trim() : string.Empty).ToList())).ToList();
        var q = new Dictionary<string, object?>();
        var insights = new List<string>();
        var recommendations = new List<string>();

        var rows = Enumerable.Range(0, table.Rows.Count).ToList();
        var dateColumn = columns.FirstOrDefault(c => c.Kind == ColumnKind.Date);
        if (Text(parameters, "time_period") is { } period)
        {
            if (Periods.Parse(period) is not { } window)
            {
                q["time_period_note"] = $"'{period}' is not a period Parley reads (e.g. Q4_2024, 2024, 2024-11); all rows were analysed.";
            }
            else if (dateColumn is null)
            {
                q["time_period_note"] = $"The dataset has no date column, so '{period}' could not be applied; all rows were analysed.";
            }
            else
            {
                rows = rows.Where(r => dateColumn.Dates[r] is { } d && d >= window.Start && d < window.End).ToList();
                q["time_period"] = new { value = period, start = window.Start, end = window.End, date_column = dateColumn.Name };
                if (rows.Count == 0)
                {
                    throw new TaskInputException($"No rows of the dataset fall in {period} (column '{dateColumn.Name}').");
                }
            }
        }

        var selected = columns.Select(c => c.Take(rows)).ToList();
        q["row_count"] = rows.Count;
        q["column_count"] = header.Length;
        DatasetMetrics.Compute(selected, Metrics(parameters), q, insights);
        var described = new Dictionary<string, object?>();
        foreach (var column in selected)
        {
            var missing = column.Values.Count(v => v.Length == 0);
            if (missing > 0 && Fmt.Rate(missing, column.Values.Count) >= 0.2)
            {
                recommendations.Add($"Column '{column.Name}' is empty in {Fmt.Pct(Fmt.Rate(missing, column.Values.Count))} of rows ({Fmt.Num(missing)}): fill it in at the source before relying on it.");
            }

            described[column.Name] = column.Describe(insights);
        }

        q["columns"] = described;
        if (selected.FirstOrDefault(c => c.Kind == ColumnKind.Date) is { } dates)
        {
            q["trends"] = DatasetMetrics.Trend(selected, dates, Text(parameters, "period") ?? Text(parameters, "group_by"), insights);
        }

        if (recommendations.Count == 0)
        {
            recommendations.Add($"All {header.Length} columns are at least 80% filled across {Fmt.Num(rows.Count)} rows; the dataset is complete enough to track these figures over time.");
        }

        return new Figures($"{Fmt.Num(rows.Count)} rows and {header.Length} columns analysed.", q, insights, recommendations);
    }

    private static string? Text(JsonElement parameters, string name)
        => parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s.Trim() : null;

    private static List<string>? Metrics(JsonElement parameters)
        => parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("metrics", out var m) && m.ValueKind == JsonValueKind.Array
            ? m.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).Take(50).ToList()
            : null;
}

/// <summary>Quarters (<c>Q4_2024</c>, <c>2024-Q4</c>), years (<c>2024</c>, <c>FY2024</c>) and months (<c>2024-11</c>).</summary>
internal static partial class Periods
{
    public static (DateTime Start, DateTime End)? Parse(string text)
    {
        var t = text.Trim().ToUpperInvariant().Replace(' ', '_');
        if (Quarter().Match(t) is { Success: true } q)
        {
            var (quarter, year) = q.Groups["q1"].Success ? (int.Parse(q.Groups["q1"].Value, CultureInfo.InvariantCulture), int.Parse(q.Groups["y1"].Value, CultureInfo.InvariantCulture))
                : (int.Parse(q.Groups["q2"].Value, CultureInfo.InvariantCulture), int.Parse(q.Groups["y2"].Value, CultureInfo.InvariantCulture));
            var start = new DateTime(year, ((quarter - 1) * 3) + 1, 1, 0, 0, 0, DateTimeKind.Utc);
            return (start, start.AddMonths(3));
        }

        if (Month().Match(t) is { Success: true } m && int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture) is >= 1 and <= 12 and var month)
        {
            var start = new DateTime(int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture), month, 1, 0, 0, 0, DateTimeKind.Utc);
            return (start, start.AddMonths(1));
        }

        if (Year().Match(t) is { Success: true } y)
        {
            var start = new DateTime(int.Parse(y.Groups["y"].Value, CultureInfo.InvariantCulture), 1, 1, 0, 0, 0, DateTimeKind.Utc);
            return (start, start.AddYears(1));
        }

        return null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:Q(?<q1>[1-4])[_-]?(?<y1>\d{4})|(?<y2>\d{4})[_-]?Q(?<q2>[1-4]))$")]
    private static partial System.Text.RegularExpressions.Regex Quarter();

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?<y>\d{4})-(?<m>\d{1,2})$")]
    private static partial System.Text.RegularExpressions.Regex Month();

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:FY_?)?(?<y>\d{4})$")]
    private static partial System.Text.RegularExpressions.Regex Year();
}
