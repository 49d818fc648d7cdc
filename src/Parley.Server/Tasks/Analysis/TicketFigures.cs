using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Storage;

namespace Parley.Server.Tasks.Analysis;

/// <summary>
/// Figures over the tenant's tickets. Tickets are another feature's table; this reads it with SQL
/// (<c>status</c>, <c>priority</c>, <c>created_at</c>) only when it exists, so Parley without the
/// tickets feature refuses <c>data_source: "tickets"</c> at submission instead of failing later.
/// </summary>
public sealed class TicketFigures(ParleyDb db, TimeProvider clock)
{
    public async Task<bool> AvailableAsync(CancellationToken cancellationToken)
    {
        var sql = db.Database.IsNpgsql()
            ? "SELECT count(*) AS \"Value\" FROM information_schema.tables WHERE table_name = 'tickets' AND table_schema = current_schema()"
            : "SELECT count(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = 'tickets'";
        return (await db.Database.SqlQueryRaw<long>(sql).ToListAsync(cancellationToken))[0] > 0;
    }

    public async Task<Figures> ComputeAsync(Guid tenantId, JsonElement parameters, CancellationToken cancellationToken)
    {
        if (!await AvailableAsync(cancellationToken))
        {
            throw new TaskInputException("Tickets are not available on this server.");
        }

        var (start, end) = Fmt.Window(parameters, clock.GetUtcNow().UtcDateTime);
        var rows = new List<(string Status, string Priority, DateTime CreatedAt)>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT status, priority, created_at FROM tickets WHERE tenant_id = @tenant AND created_at >= @start AND created_at < @end";
            Add(command, "@tenant", db.Database.IsNpgsql() ? tenantId : tenantId.ToString().ToUpperInvariant());
            Add(command, "@start", start);
            Add(command, "@end", end);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.IsDBNull(0) ? "unknown" : reader.GetString(0), reader.IsDBNull(1) ? "none" : reader.GetString(1), reader.GetDateTime(2)));
            }
        }
        catch (DbException e)
        {
            throw new TaskInputException("The tickets table could not be read: " + e.Message);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        var total = rows.Count;
        var byStatus = rows.GroupBy(r => r.Status).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => (long)g.Count());
        var byPriority = rows.GroupBy(r => r.Priority).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => (long)g.Count());
        var open = rows.LongCount(r => r.Status is not ("closed" or "resolved"));
        var q = new Dictionary<string, object?>
        {
            ["period_start"] = start,
            ["period_end"] = end,
            ["total_tickets"] = total,
            ["open_tickets"] = open,
            ["open_rate"] = Fmt.Rate(open, total),
            ["tickets_by_status"] = byStatus,
            ["tickets_by_priority"] = byPriority,
            ["time_series"] = rows.GroupBy(r => r.CreatedAt.Date).OrderBy(g => g.Key).Select(g => new { date = g.Key.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), count = g.Count() }).ToList(),
        };
        var insights = new List<string> { $"{Fmt.Num(total)} tickets were opened between {start:yyyy-MM-dd} and {end:yyyy-MM-dd}; {Fmt.Num(open)} ({Fmt.Pct(Fmt.Rate(open, total))}) are still open." };
        if (byPriority.Count > 0)
        {
            var top = byPriority.First();
            insights.Add($"The most common priority is '{top.Key}' ({Fmt.Num(top.Value)} tickets).");
        }

        var recommendations = new List<string>
        {
            Fmt.Rate(open, total) > 0.5
                ? $"More than half of the tickets ({Fmt.Num(open)} of {Fmt.Num(total)}) are open: review assignment and staffing."
                : $"Open tickets ({Fmt.Pct(Fmt.Rate(open, total))}) are under control; watch the high-priority queue.",
        };
        return new Figures($"{Fmt.Num(total)} tickets, {Fmt.Pct(Fmt.Rate(open, total))} open.", q, insights, recommendations);
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
