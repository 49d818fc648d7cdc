using System.Globalization;
using System.Text.Json;

namespace Parley.Client;

/// <summary>
/// Analytics over an explicit window (<c>start_date</c>, <c>end_date</c>, <c>timeframe</c>), the
/// parameters of <c>/analytics/dashboard</c> and <c>/analytics/conversations</c> (docs/analytics.md).
/// </summary>
public static class AnalyticsWindows
{
    public static Task<JsonElement> AnalyticsDashboardAsync(this ParleyClient client, DateTime start, DateTime end, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.GetAsync<JsonElement>("analytics/dashboard" + Window(start, end, null), cancellationToken);
    }

    /// <summary><paramref name="timeframe"/>: <c>hourly</c>, <c>daily</c>, <c>weekly</c> or <c>monthly</c>.</summary>
    public static Task<JsonElement> AnalyticsConversationsAsync(this ParleyClient client, DateTime start, DateTime end, string timeframe = "daily", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.GetAsync<JsonElement>("analytics/conversations" + Window(start, end, timeframe), cancellationToken);
    }

    private static string Window(DateTime start, DateTime end, string? timeframe)
        => "?start_date=" + Uri.EscapeDataString(start.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture))
           + "&end_date=" + Uri.EscapeDataString(end.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture))
           + (timeframe is null ? "" : "&timeframe=" + Uri.EscapeDataString(timeframe));
}
