using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Parley.Server.Tasks.Analysis;

/// <summary>
/// Figures over an uploaded CSV (header row first): each column is typed from its values as
/// numeric, boolean, date or categorical, then counted, averaged, rated, bucketed by day or month,
/// or ranked.
/// </summary>
public static class CsvFigures
{
    private const int MaxRows = 1_000_000;
    private static readonly string[] Truthy = ["true", "yes", "y"];
    private static readonly string[] Falsy = ["false", "no", "n"];

    public static Figures Compute(string csv)
    {
        var (header, rows) = Read(csv);
        var columns = new Dictionary<string, object?>();
        var insights = new List<string>();
        var recommendations = new List<string>();
        for (var i = 0; i < header.Length; i++)
        {
            var name = string.IsNullOrWhiteSpace(header[i]) ? $"column_{i + 1}" : header[i].Trim();
            var values = rows.Select(r => i < r.Length ? r[i].Trim() : string.Empty).ToList();
            var present = values.Where(v => v.Length > 0).ToList();
            var missing = values.Count - present.Count;
            if (missing > 0 && Fmt.Rate(missing, values.Count) >= 0.2)
            {
                recommendations.Add($"Column '{name}' is empty in {Fmt.Pct(Fmt.Rate(missing, values.Count))} of rows ({Fmt.Num(missing)}): fill it in at the source before relying on it.");
            }

            columns[name] = Describe(name, present, missing, insights);
        }

        var q = new Dictionary<string, object?> { ["row_count"] = rows.Count, ["column_count"] = header.Length, ["columns"] = columns };
        if (recommendations.Count == 0)
        {
            recommendations.Add($"All {header.Length} columns are at least 80% filled across {Fmt.Num(rows.Count)} rows; the dataset is complete enough to track these figures over time.");
        }

        return new Figures($"{Fmt.Num(rows.Count)} rows and {header.Length} columns analysed.", q, insights, recommendations);
    }

    private static object Describe(string name, List<string> present, int missing, List<string> insights)
    {
        if (present.Count == 0)
        {
            return new { type = "empty", missing };
        }

        if (present.All(v => Truthy.Contains(v.ToLowerInvariant()) || Falsy.Contains(v.ToLowerInvariant())))
        {
            var yes = present.LongCount(v => Truthy.Contains(v.ToLowerInvariant()));
            var rate = Fmt.Rate(yes, present.Count);
            insights.Add($"'{name}' is true for {Fmt.Pct(rate)} of rows ({Fmt.Num(yes)} of {Fmt.Num(present.Count)}).");
            return new { type = "boolean", count = present.Count, missing, true_count = yes, rate };
        }

        var numbers = present.Select(v => double.TryParse(v, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var d) ? d : (double?)null).ToList();
        if (numbers.All(n => n is not null))
        {
            var xs = numbers.Select(n => n!.Value).ToList();
            var mean = xs.Average();
            insights.Add($"'{name}' averages {Fmt.Num(Math.Round(mean, 2))} (min {Fmt.Num(xs.Min())}, max {Fmt.Num(xs.Max())}, total {Fmt.Num(Math.Round(xs.Sum(), 2))}) over {Fmt.Num(xs.Count)} rows.");
            var sorted = xs.Order().ToList();
            return new { type = "numeric", count = xs.Count, missing, sum = Math.Round(xs.Sum(), 4), mean = Math.Round(mean, 4), median = sorted[sorted.Count / 2], min = sorted[0], max = sorted[^1] };
        }

        var dates = present.Select(v => DateTime.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d) ? d : (DateTime?)null).ToList();
        if (dates.All(d => d is not null))
        {
            var ds = dates.Select(d => d!.Value).ToList();
            var span = ds.Max() - ds.Min();
            var monthly = span.TotalDays > 62;
            var series = ds.GroupBy(d => monthly ? new DateTime(d.Year, d.Month, 1) : d.Date).OrderBy(g => g.Key)
                .Select(g => new { period = g.Key.ToString(monthly ? "yyyy-MM" : "yyyy-MM-dd", CultureInfo.InvariantCulture), count = g.Count() }).ToList();
            var busiest = series.MaxBy(s => s.count)!;
            insights.Add($"'{name}' spans {ds.Min():yyyy-MM-dd} to {ds.Max():yyyy-MM-dd}; the busiest {(monthly ? "month" : "day")} is {busiest.period} with {Fmt.Num(busiest.count)} rows.");
            return new { type = "date", count = ds.Count, missing, first = ds.Min(), last = ds.Max(), time_series = series };
        }

        var top = present.GroupBy(v => v, StringComparer.OrdinalIgnoreCase).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(5)
            .Select(g => new { value = g.Key, count = g.Count(), share = Fmt.Rate(g.Count(), present.Count) }).ToList();
        var distinct = present.Distinct(StringComparer.OrdinalIgnoreCase).Count();
        if (distinct < present.Count)
        {
            insights.Add($"'{name}' has {Fmt.Num(distinct)} distinct values; the most common is '{top[0].value}' ({Fmt.Pct(top[0].share)} of rows).");
        }

        return new { type = "categorical", count = present.Count, missing, distinct, top_values = top };
    }

    private static (string[] Header, List<string[]> Rows) Read(string csv)
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
                if (rows.Count >= MaxRows)
                {
                    throw new TaskInputException($"The dataset has more than {MaxRows:N0} rows.");
                }

                var record = parser.Record!;
                if (record.Length == 1 && record[0].Length == 0)
                {
                    continue;
                }

                rows.Add(record);
            }

            if (rows.Count == 0)
            {
                throw new TaskInputException("The dataset has a header but no rows.");
            }

            return (header, rows);
        }
        catch (CsvHelperException e)
        {
            throw new TaskInputException("The dataset is not valid CSV: " + e.Message.Split('\n')[0]);
        }
    }
}
