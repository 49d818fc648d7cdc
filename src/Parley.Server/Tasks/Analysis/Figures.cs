using System.Globalization;
using System.Text.Json;

namespace Parley.Server.Tasks.Analysis;

/// <summary>
/// What an analysis measured, and the statements derived from the measurements alone (each one
/// quotes its numbers). The LLM, when configured, rewrites the prose from the same figures.
/// </summary>
public sealed record Figures(string Summary, Dictionary<string, object?> Quantitative, List<string> Insights, List<string> Recommendations);

internal static class Fmt
{
    public static string Pct(double rate) => (rate * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    public static string Num(double value) => value.ToString(value == Math.Floor(value) ? "#,0" : "#,0.##", CultureInfo.InvariantCulture);

    public static double Rate(long part, long whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);

    /// <summary>Analysis window from <c>parameters</c>: <c>start_date</c>/<c>end_date</c> or <c>days</c> (default 30).</summary>
    public static (DateTime Start, DateTime End) Window(JsonElement parameters, DateTime now)
    {
        DateTime? Read(string name) => parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            && DateTime.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d) ? d : null;
        var days = parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("days", out var n) && n.TryGetInt32(out var parsed) ? Math.Clamp(parsed, 1, 3650) : 30;
        var end = Read("end_date") ?? now;
        var start = Read("start_date") ?? end.AddDays(-days);
        if (start >= end)
        {
            throw new TaskInputException("parameters.start_date must be before end_date.");
        }

        return (DateTime.SpecifyKind(start, DateTimeKind.Utc), DateTime.SpecifyKind(end, DateTimeKind.Utc));
    }
}
