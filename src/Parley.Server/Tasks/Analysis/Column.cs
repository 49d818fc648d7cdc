using System.Globalization;

namespace Parley.Server.Tasks.Analysis;

internal enum ColumnKind
{
    Empty,
    Boolean,
    Numeric,
    Date,
    Categorical,
}

/// <summary>One dataset column: its cells, the type its non-empty cells share, and the parsed values per row.</summary>
internal sealed class Column
{
    private static readonly string[] Truthy = ["true", "yes", "y"];
    private static readonly string[] Falsy = ["false", "no", "n"];

    private Column(string name, ColumnKind kind, List<string> values)
    {
        Name = name;
        Kind = kind;
        Values = values;
        Numbers = kind == ColumnKind.Numeric ? values.Select(ParseNumber).ToList() : [];
        Dates = kind == ColumnKind.Date ? values.Select(ParseDate).ToList() : [];
        Flags = kind == ColumnKind.Boolean ? values.Select(v => v.Length == 0 ? (bool?)null : Truthy.Contains(v.ToLowerInvariant())).ToList() : [];
    }

    public string Name { get; }

    /// <summary>Lower case with spaces and dashes as underscores, for matching metric synonyms.</summary>
    public string Key => Name.ToLowerInvariant().Replace(' ', '_').Replace('-', '_');

    public ColumnKind Kind { get; }

    public List<string> Values { get; }

    public List<double?> Numbers { get; }

    public List<DateTime?> Dates { get; }

    public List<bool?> Flags { get; }

    public IEnumerable<double> PresentNumbers => Numbers.Where(n => n is not null).Select(n => n!.Value);

    public static Column Of(string name, List<string> values)
    {
        var present = values.Where(v => v.Length > 0).ToList();
        var kind = present.Count == 0 ? ColumnKind.Empty
            : present.All(v => Truthy.Contains(v.ToLowerInvariant()) || Falsy.Contains(v.ToLowerInvariant())) ? ColumnKind.Boolean
            : present.All(v => ParseNumber(v) is not null) ? ColumnKind.Numeric
            : present.All(v => ParseDate(v) is not null) ? ColumnKind.Date
            : ColumnKind.Categorical;
        return new Column(name, kind, values);
    }

    /// <summary>The same column over the given rows only (its type stays the one read from every row).</summary>
    public Column Take(IReadOnlyList<int> rows) => new(Name, Kind, rows.Select(r => Values[r]).ToList());

    public object Describe(List<string> insights)
    {
        var present = Values.Where(v => v.Length > 0).ToList();
        var missing = Values.Count - present.Count;
        switch (Kind)
        {
            case ColumnKind.Empty:
                return new { type = "empty", count = 0, missing };
            case ColumnKind.Boolean:
                var yes = Flags.LongCount(f => f == true);
                var rate = Fmt.Rate(yes, present.Count);
                insights.Add($"'{Name}' is true for {Fmt.Pct(rate)} of rows ({Fmt.Num(yes)} of {Fmt.Num(present.Count)}).");
                return new { type = "boolean", count = present.Count, missing, true_count = yes, rate };
            case ColumnKind.Numeric:
                var xs = PresentNumbers.Order().ToList();
                var mean = xs.Average();
                var stddev = xs.Count < 2 ? 0 : Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / (xs.Count - 1));
                var median = xs.Count % 2 == 1 ? xs[xs.Count / 2] : (xs[(xs.Count / 2) - 1] + xs[xs.Count / 2]) / 2;
                insights.Add($"'{Name}' averages {Fmt.Num(Math.Round(mean, 2))} (min {Fmt.Num(xs[0])}, max {Fmt.Num(xs[^1])}, total {Fmt.Num(Math.Round(xs.Sum(), 2))}) over {Fmt.Num(xs.Count)} rows.");
                var outliers = stddev == 0 ? 0 : xs.Count(x => Math.Abs(x - mean) > 3 * stddev);
                if (outliers > 0)
                {
                    insights.Add($"{Fmt.Num(outliers)} value(s) of '{Name}' lie more than 3 standard deviations ({Fmt.Num(Math.Round(stddev, 2))}) from its mean: check them before relying on the average.");
                }

                return new
                {
                    type = "numeric",
                    count = xs.Count,
                    missing,
                    sum = Math.Round(xs.Sum(), 4),
                    mean = Math.Round(mean, 4),
                    median,
                    min = xs[0],
                    max = xs[^1],
                    stddev = Math.Round(stddev, 4),
                    outliers,
                };
            case ColumnKind.Date:
                var ds = Dates.Where(d => d is not null).Select(d => d!.Value).ToList();
                var monthly = (ds.Max() - ds.Min()).TotalDays > 62;
                var series = ds.GroupBy(d => monthly ? new DateTime(d.Year, d.Month, 1) : d.Date).OrderBy(g => g.Key)
                    .Select(g => new { period = g.Key.ToString(monthly ? "yyyy-MM" : "yyyy-MM-dd", CultureInfo.InvariantCulture), count = g.Count() }).ToList();
                var busiest = series.MaxBy(s => s.count)!;
                insights.Add($"'{Name}' spans {ds.Min():yyyy-MM-dd} to {ds.Max():yyyy-MM-dd}; the busiest {(monthly ? "month" : "day")} is {busiest.period} with {Fmt.Num(busiest.count)} rows.");
                return new { type = "date", count = ds.Count, missing, first = ds.Min(), last = ds.Max(), time_series = series };
            default:
                var top = present.GroupBy(v => v, StringComparer.OrdinalIgnoreCase).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(5)
                    .Select(g => new { value = g.Key, count = g.Count(), share = Fmt.Rate(g.Count(), present.Count) }).ToList();
                var distinct = present.Distinct(StringComparer.OrdinalIgnoreCase).Count();
                if (distinct < present.Count)
                {
                    insights.Add($"'{Name}' has {Fmt.Num(distinct)} distinct values; the most common is '{top[0].value}' ({Fmt.Pct(top[0].share)} of rows).");
                }

                return new { type = "categorical", count = present.Count, missing, distinct, top_values = top };
        }
    }

    private static double? ParseNumber(string v)
        => v.Length > 0 && double.TryParse(v, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null;

    private static DateTime? ParseDate(string v)
        => v.Length > 0 && DateTime.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d) ? d : null;
}
