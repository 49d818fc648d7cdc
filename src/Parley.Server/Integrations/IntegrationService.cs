using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Storage;
using Parley.Server.Tools;

namespace Parley.Server.Integrations;

/// <summary>Connection tests and integration actions run as tools, inside the caller's tenant.</summary>
public sealed class IntegrationService(ParleyDb db, IntegrationCaller caller, TimeProvider clock)
{
    /// <summary>Integration types the tenant has an active integration of (their actions are offered as tools).</summary>
    public async Task<IReadOnlyList<string>> ActiveTypesAsync(CancellationToken cancellationToken)
        => await db.Set<Integration>().AsNoTracking().Where(i => i.Status != IntegrationStatus.Inactive)
            .Select(i => i.IntegrationType).Distinct().ToListAsync(cancellationToken);

    public async Task<ToolResult> RunAsync(IntegrationAction action, JsonObject arguments, CancellationToken cancellationToken)
    {
        var candidates = db.Set<Integration>().Where(i => i.IntegrationType == action.IntegrationType && i.Status != IntegrationStatus.Inactive);
        if (IntegrationActions.Str(arguments, "integration_id") is { } raw)
        {
            var id = Guid.TryParse(raw, out var parsed) ? parsed : Guid.Empty;
            candidates = candidates.Where(i => i.Id == id);
        }

        var integration = await candidates.OrderBy(i => i.CreatedAt).ThenBy(i => i.Id).FirstOrDefaultAsync(cancellationToken);
        if (integration is null || caller.Connect(integration) is not { } connection)
        {
            return new ToolResult(false, $"No active {action.IntegrationType} integration is configured.", null, "no integration");
        }

        var args = (JsonObject)arguments.DeepClone();
        args.Remove("integration_id");
        var result = await action.RunAsync(connection, args, caller, cancellationToken);
        if (result.Success)
        {
            integration.LastSync = clock.GetUtcNow().UtcDateTime;
        }

        return result;
    }

    /// <summary>A real call that needs the credentials; the integration's status follows the outcome (unless inactive).</summary>
    public static async Task<IntegrationTestResult> TestAsync(Integration integration, IntegrationCaller caller, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        IntegrationResponse response;
        if (caller.Connect(integration) is not { } connection)
        {
            response = new IntegrationResponse(0, null, null, "misconfigured: the integration has no usable endpoint", "misconfigured", 0);
        }
        else
        {
            response = integration.IntegrationType switch
            {
                IntegrationTypes.Jira => await JiraActions.TestAsync(connection, caller, cancellationToken),
                IntegrationTypes.GitHub => await GitHubActions.TestAsync(connection, caller, cancellationToken),
                _ => await HttpActions.TestAsync(connection, caller, cancellationToken),
            };
        }

        integration.LastTestSuccess = response.Ok;
        integration.LastTestMessage = response.Ok ? $"connected (HTTP {response.Status})" : response.Failure;
        if (response.Ok)
        {
            integration.LastSync = now;
        }

        if (integration.Status != IntegrationStatus.Inactive)
        {
            integration.Status = response.Ok ? IntegrationStatus.Active : IntegrationStatus.Error;
        }

        return new IntegrationTestResult(integration.Id, response.Ok, response.Ok ? "success" : "failed", integration.LastTestMessage!, response.Reason,
            response.Status == 0 ? null : response.Status, response.DurationMs, now);
    }
}
