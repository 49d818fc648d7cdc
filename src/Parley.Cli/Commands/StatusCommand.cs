using System.CommandLine;

namespace Parley.Cli.Commands;

public static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Server health, version, database and schema version (no login needed).");
        command.SetAction(async (parse, ct) =>
        {
            using var context = CliContext.From(parse);
            var client = context.Anonymous();
            var health = await client.Operations.HealthAsync(ct);
            var detailed = await client.Operations.DetailedHealthAsync(ct);
            var database = detailed.Components.FirstOrDefault(c => c.Key.Contains("database", StringComparison.OrdinalIgnoreCase)).Value;
            string? Data(string name) => database?.Data.TryGetValue(name, out var v) == true ? v.ToString() : null;
            var status = new
            {
                server = context.Server,
                status = detailed.Status is { Length: > 0 } s ? s : health.Status,
                version = health.Version,
                database = Data("provider"),
                schema_version = Data("schema_version"),
                uptime_seconds = detailed.UptimeSeconds,
                logged_in_as = context.Config.HasCredentials && context.Config.Server == context.Server ? context.Config.Email : null,
            };
            context.WriteObject(status);
            return ExitCodes.Ok;
        });
        return command;
    }
}
