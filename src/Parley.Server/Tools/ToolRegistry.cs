using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Integrations;
using Parley.Server.Storage;

namespace Parley.Server.Tools;

/// <summary>A tool the caller's tenant can use, however it is implemented.</summary>
public sealed record RegisteredTool(ToolDescriptor Descriptor, string Kind, Func<ToolContext, JsonObject, CancellationToken, Task<ToolResult>> InvokeAsync, CustomTool? Custom = null);

public static class ToolKinds
{
    public const string BuiltIn = "built_in";
    public const string Integration = "integration";
    public const string Custom = "custom";
}

/// <summary>
/// The tenant's tools: every <see cref="IBuiltInTool"/> in DI (knowledge_search, and what other
/// features register), one tool per action of the integration types the tenant has active, and
/// the tenant's custom HTTP tools.
/// </summary>
public sealed class ToolRegistry(
    IEnumerable<IBuiltInTool> builtIns, IntegrationService integrations, CustomToolRunner runner, ParleyDb db, ToolCatalog catalog, IServiceProvider services)
{
    /// <summary>Names a custom tool may not take: they are paths of the tools API.</summary>
    public static readonly string[] Reserved = ["calls", "routes", "execute"];

    public IEnumerable<IBuiltInTool> BuiltIns => builtIns;

    public async Task<IReadOnlyList<RegisteredTool>> ListAsync(CancellationToken cancellationToken)
    {
        var tools = builtIns.Select(FromBuiltIn).ToList();
        var (types, custom) = await TenantToolsAsync(cancellationToken);
        tools.AddRange(IntegrationActions.All.Where(a => types.Contains(a.IntegrationType)).Select(FromAction));
        tools.AddRange(custom.Select(FromCustom));
        return tools;
    }

    /// <summary>The tenant's active integration types and custom tools, from <see cref="ToolCatalog"/> when it has them.</summary>
    private async Task<(IReadOnlyList<string> Types, IReadOnlyList<CustomTool> Custom)> TenantToolsAsync(CancellationToken cancellationToken)
    {
        var tenantId = db.CurrentTenantId;
        if (tenantId is { } id && catalog.Find(id) is { } cached)
        {
            return (cached.IntegrationTypes, cached.CustomTools);
        }

        var types = await integrations.ActiveTypesAsync(cancellationToken);
        var custom = await db.Set<CustomTool>().AsNoTracking().OrderBy(t => t.Name).ToListAsync(cancellationToken);
        if (tenantId is { } tenant)
        {
            catalog.Store(tenant, types, custom);
        }

        return (types, custom);
    }

    public async Task<RegisteredTool?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (builtIns.FirstOrDefault(b => b.Descriptor.Id == id) is { } builtIn)
        {
            return FromBuiltIn(builtIn);
        }

        if (IntegrationActions.Find(id) is { } action)
        {
            return (await integrations.ActiveTypesAsync(cancellationToken)).Contains(action.IntegrationType) ? FromAction(action) : null;
        }

        if (await db.Set<CustomTool>().AsNoTracking().FirstOrDefaultAsync(t => t.Name == id, cancellationToken) is { } custom)
        {
            return FromCustom(custom);
        }

        // AI Assistant Platform names tools by id; people also write a tool's display name ("Knowledge search").
        return Match(await ListAsync(cancellationToken), id);
    }

    /// <summary>
    /// The ids of the named tools (each named by id or display name), or an error naming the
    /// unknown ones and listing the tools the tenant has.
    /// </summary>
    public async Task<(IReadOnlyList<string> Ids, FieldError? Error)> ResolveAsync(string field, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var tools = await ListAsync(cancellationToken);
        var ids = new List<string>();
        var unknown = new List<string>();
        foreach (var name in names)
        {
            if (Match(tools, name) is { } tool)
            {
                ids.Add(tool.Descriptor.Id);
            }
            else
            {
                unknown.Add(name);
            }
        }

        return unknown.Count == 0
            ? (ids.Distinct(StringComparer.Ordinal).ToList(), null)
            : ([], new FieldError(field, $"Unknown tool(s): {string.Join(", ", unknown)}. Available: {string.Join(", ", tools.Select(t => t.Descriptor.Id))}."));
    }

    private static RegisteredTool? Match(IReadOnlyList<RegisteredTool> tools, string name)
        => tools.FirstOrDefault(t => t.Descriptor.Id == name)
            ?? tools.FirstOrDefault(t => string.Equals(t.Descriptor.Id, name.Trim(), StringComparison.OrdinalIgnoreCase)
                || string.Equals(t.Descriptor.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether a name is taken by a tool that is not a custom one (whatever the tenant's integrations).</summary>
    public bool IsSystemName(string name)
        => builtIns.Any(b => b.Descriptor.Id == name) || IntegrationActions.Find(name) is not null || Reserved.Contains(name);

    private RegisteredTool FromBuiltIn(IBuiltInTool tool)
        => new(tool.Descriptor, ToolKinds.BuiltIn, (context, args, ct) => tool.InvokeAsync(context, args, services, ct));

    private RegisteredTool FromAction(IntegrationAction action)
        => new(action.Descriptor, ToolKinds.Integration, (_, args, ct) => integrations.RunAsync(action, args, ct));

    private RegisteredTool FromCustom(CustomTool tool)
        => new(CustomToolViews.Descriptor(tool), ToolKinds.Custom, (_, args, ct) => runner.RunAsync(tool, args, ct), tool);
}
