using System.Globalization;

namespace Parley.Server.Tasks.Analysis;

/// <summary>
/// The business metrics Three-Database Chatbot's example shows, computed from columns found by name (synonyms below),
/// and the trend by period. A requested metric that cannot be computed is listed in
/// <c>metrics_not_computed</c> with the reason, never dropped silently.
/// </summary>
internal static class DatasetMetrics
{
    public const string TotalTransactions = "total_transactions";
    public const string ConversionRate = "conversion_rate";
    public const string AvgOrderValue = "avg_order_value";
    public const string TotalRevenue = "total_revenue";
    public static readonly string[] Known = [TotalTransactions, ConversionRate, AvgOrderValue, TotalRevenue];

    private static readonly string[] TransactionIds = ["transaction_id", "order_id", "txn_id", "invoice_id", "purchase_id", "transaction", "order_number", "id"];
    private static readonly string[] ConvertedFlags = ["converted", "conversion", "is_converted", "purchased", "has_purchased", "did_convert", "success"];
    private static readonly string[] Conversions = ["conversions", "orders", "purchases", "transactions", "sales_count"];
    private static readonly string[] Visits = ["visits", "sessions", "visitors", "clicks", "leads", "impressions"];
    private static readonly string[] OrderValues = ["order_value", "aov", "order_total", "order_amount", "amount", "revenue", "total", "total_amount", "sales", "price", "value"];

    public static void Compute(List<Column> columns, List<string>? requested, Dictionary<string, object?> q, List<string> insights)
    {
        var rows = columns.Count == 0 ? 0 : columns[0].Values.Count;
        var ids = Find(columns, TransactionIds, k => k is ColumnKind.Categorical or ColumnKind.Numeric);
        long transactions = ids is null ? rows : ids.Values.Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).LongCount();
        q[TotalTransactions] = transactions;
        var notComputed = new Dictionary<string, string>();
        var wanted = requested ?? [ConversionRate, AvgOrderValue];
        foreach (var metric in wanted)
        {
            var key = metric.ToLowerInvariant();
            switch (key)
            {
                case TotalTransactions:
                    break;
                case ConversionRate when Conversion(columns) is { } conversion:
                    q[ConversionRate] = conversion.Rate;
                    insights.Add($"Conversion rate is {Fmt.Pct(conversion.Rate)} ({conversion.How}).");
                    break;
                case ConversionRate when requested is not null:
                    notComputed[metric] = $"{metric}: needs a yes/no column such as '{ConvertedFlags[0]}', or numeric '{Conversions[0]}' and '{Visits[0]}' columns.";
                    break;
                case AvgOrderValue or TotalRevenue when Find(columns, OrderValues, k => k == ColumnKind.Numeric) is { } value:
                    var amounts = value.PresentNumbers.ToList();
                    if (key == AvgOrderValue)
                    {
                        q[AvgOrderValue] = Math.Round(amounts.Average(), 2);
                        insights.Add($"Average order value is {Fmt.Num(Math.Round(amounts.Average(), 2))} (mean of '{value.Name}' over {Fmt.Num(amounts.Count)} rows).");
                    }
                    else
                    {
                        q[TotalRevenue] = Math.Round(amounts.Sum(), 2);
                    }

                    break;
                case AvgOrderValue or TotalRevenue when requested is not null:
                    notComputed[metric] = $"{metric}: needs a numeric column such as '{string.Join("', '", OrderValues.Take(5))}'.";
                    break;
                case ConversionRate or AvgOrderValue or TotalRevenue:
                    break;
                default:
                    notComputed[metric] = $"{metric}: not a metric Parley computes; it computes {string.Join(", ", Known)} (and describes every column).";
                    break;
            }
        }

        if (notComputed.Count > 0)
        {
            q["metrics_not_computed"] = notComputed;
        }
    }

    /// <summary>Rows (and revenue, order value and conversion where computable) per month, quarter, year or day of the first date column.</summary>
    public static object Trend(List<Column> columns, Column dates, string? requestedPeriod, List<string> insights)
    {
        var period = requestedPeriod?.ToLowerInvariant() switch
        {
            "day" or "daily" => "day",
            "quarter" or "quarterly" => "quarter",
            "year" or "yearly" or "annual" => "year",
            _ => "month",
        };
        var value = Find(columns, OrderValues, k => k == ColumnKind.Numeric);
        var flag = Find(columns, ConvertedFlags, k => k == ColumnKind.Boolean);
        var series = Enumerable.Range(0, dates.Values.Count).Where(r => dates.Dates[r] is not null)
            .GroupBy(r => Label(dates.Dates[r]!.Value, period))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new TrendPoint(
                g.Key,
                g.LongCount(),
                value is null ? null : Math.Round(g.Sum(r => value.Numbers[r] ?? 0), 2),
                value is null || !g.Any(r => value.Numbers[r] is not null) ? null : Math.Round(g.Where(r => value.Numbers[r] is not null).Average(r => value.Numbers[r]!.Value), 2),
                flag is null ? null : Fmt.Rate(g.LongCount(r => flag.Flags[r] == true), g.LongCount(r => flag.Flags[r] is not null))))
            .ToList();

        var measure = value is null ? "transactions" : "revenue";
        double Of(TrendPoint p) => value is null ? p.Transactions : p.Revenue ?? 0;
        var changes = series.Zip(series.Skip(1)).Where(p => Of(p.First) > 0).Select(p => (p.First, p.Second, Change: (Of(p.Second) - Of(p.First)) / Of(p.First))).ToList();
        if (changes.Count > 0 && changes.MaxBy(c => Math.Abs(c.Change)) is var largest && largest.Change != 0)
        {
            insights.Add($"The largest change between {period}s: {measure} {(largest.Change > 0 ? "rose" : "fell")} {Fmt.Pct(Math.Abs(largest.Change))} from {largest.First.Period} ({Fmt.Num(Of(largest.First))}) to {largest.Second.Period} ({Fmt.Num(Of(largest.Second))}).");
        }

        if (series.Count > 1 && series.MaxBy(Of) is { } peak)
        {
            insights.Add($"{peak.Period} is the strongest {period} by {measure} ({Fmt.Num(Of(peak))}).");
        }

        return new
        {
            period,
            date_column = dates.Name,
            value_column = value?.Name,
            series = series.Select(p => new { period = p.Period, transactions = p.Transactions, revenue = p.Revenue, avg_order_value = p.AverageValue, conversion_rate = p.ConversionRate }).ToList(),
        };
    }

    private sealed record TrendPoint(string Period, long Transactions, double? Revenue, double? AverageValue, double? ConversionRate);

    private static string Label(DateTime d, string period) => period switch
    {
        "day" => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        "quarter" => $"{d.Year}-Q{((d.Month - 1) / 3) + 1}",
        "year" => d.Year.ToString(CultureInfo.InvariantCulture),
        _ => d.ToString("yyyy-MM", CultureInfo.InvariantCulture),
    };

    private static (double Rate, string How)? Conversion(List<Column> columns)
    {
        if (Find(columns, ConvertedFlags, k => k == ColumnKind.Boolean) is { } flag)
        {
            var present = flag.Flags.LongCount(f => f is not null);
            var yes = flag.Flags.LongCount(f => f == true);
            return (Fmt.Rate(yes, present), $"'{flag.Name}' is true in {Fmt.Num(yes)} of {Fmt.Num(present)} rows");
        }

        if (Find(columns, Conversions, k => k == ColumnKind.Numeric) is { } converted && Find(columns, Visits, k => k == ColumnKind.Numeric) is { } visits
            && visits.PresentNumbers.Sum() is > 0 and var total)
        {
            var sum = converted.PresentNumbers.Sum();
            return (Math.Round(sum / total, 4), $"{Fmt.Num(sum)} '{converted.Name}' over {Fmt.Num(total)} '{visits.Name}'");
        }

        return null;
    }

    /// <summary>The first column, in synonym order, whose name matches and whose type fits.</summary>
    private static Column? Find(List<Column> columns, string[] names, Func<ColumnKind, bool> fits)
        => names.Select(n => columns.FirstOrDefault(c => c.Key == n && fits(c.Kind))).FirstOrDefault(c => c is not null);
}
