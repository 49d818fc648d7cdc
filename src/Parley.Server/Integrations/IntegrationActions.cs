using System.Text.Json.Nodes;
using Parley.Server.Tools;

namespace Parley.Server.Integrations;

/// <summary>
/// One thing an integration type can do, offered as a tool (<c>jira_search_issues</c>, ...). Every
/// action takes an optional <c>integration_id</c>; without it the tenant's oldest active
/// integration of the type is used.
/// </summary>
public sealed record IntegrationAction(
    string ToolId, string IntegrationType, string Name, string Description, JsonObject Parameters,
    Func<IntegrationConnection, JsonObject, IntegrationCaller, CancellationToken, Task<ToolResult>> RunAsync)
{
    public ToolDescriptor Descriptor
    {
        get
        {
            var parameters = (JsonObject)Parameters.DeepClone();
            ((JsonObject)parameters["properties"]!)["integration_id"] = new JsonObject
            {
                ["type"] = "string",
                ["format"] = "uuid",
                ["description"] = $"Which {IntegrationType} integration to use; the first active one when omitted.",
            };
            return new ToolDescriptor(ToolId, Name, Description, "integration", parameters);
        }
    }
}

public static class IntegrationActions
{
    public static readonly IReadOnlyList<IntegrationAction> All = [.. JiraActions.All, .. GitHubActions.All, .. HttpActions.All];

    public static IEnumerable<IntegrationAction> For(string integrationType) => All.Where(a => a.IntegrationType == integrationType);

    public static IntegrationAction? Find(string toolId) => All.FirstOrDefault(a => a.ToolId == toolId);

    /// <summary>A JSON Schema object with the given properties and required names.</summary>
    internal static JsonObject Schema(JsonObject properties, params string[] required) => new()
    {
        ["type"] = "object",
        ["properties"] = properties,
        ["required"] = new JsonArray([.. required.Select(r => (JsonNode)r)]),
        ["additionalProperties"] = false,
    };

    internal static JsonObject Prop(string type, string description, int? maxLength = null)
    {
        var p = new JsonObject { ["type"] = type, ["description"] = description };
        if (maxLength is { } max)
        {
            p[type == "string" ? "maxLength" : "maximum"] = max;
        }

        if (type is "string")
        {
            p["minLength"] = 1;
        }

        return p;
    }

    internal static string? Str(JsonObject args, string name)
        => args[name] is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s : null;

    internal static int Int(JsonObject args, string name, int fallback)
        => args[name] is JsonValue v && v.TryGetValue<int>(out var i) ? i : args[name] is JsonValue d && d.TryGetValue<double>(out var x) ? (int)x : fallback;

    internal static ToolResult Failed(IntegrationResponse response)
        => new(false, response.Failure!, new JsonObject { ["status"] = response.Status, ["reason"] = response.Reason }, response.Failure);

    internal static string Clip(string? text, int max) => text is null ? "" : text.Length <= max ? text : text[..(max - 3)] + "...";
}
