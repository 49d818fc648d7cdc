using System.Text.Json.Nodes;
using Parley.Server.Tools;
using static Parley.Server.Integrations.IntegrationActions;

namespace Parley.Server.Integrations;

/// <summary>A generic REST endpoint: one call to a path under the integration's endpoint (never another host).</summary>
public static class HttpActions
{
    public static readonly IReadOnlyList<IntegrationAction> All =
    [
        new("http_request", IntegrationTypes.Http, "Call an HTTP integration", "Send a JSON request to a path of a configured HTTP integration.",
            Schema(new JsonObject
            {
                ["method"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("GET", "POST", "PUT", "PATCH", "DELETE"), ["description"] = "Default GET." },
                ["path"] = new JsonObject { ["type"] = "string", ["maxLength"] = 2000, ["pattern"] = "^(/[^\\s]*)?$", ["description"] = "Path below the endpoint, starting with /, may carry a query." },
                ["body"] = new JsonObject { ["type"] = "object", ["description"] = "JSON body for POST, PUT and PATCH." },
            }),
            RequestAsync),
    ];

    public static Task<IntegrationResponse> TestAsync(IntegrationConnection c, IntegrationCaller caller, CancellationToken ct)
        => caller.SendAsync(c, HttpMethod.Get, c.Setting("test_path") ?? "", null, ct);

    private static async Task<ToolResult> RequestAsync(IntegrationConnection c, JsonObject args, IntegrationCaller caller, CancellationToken ct)
    {
        var path = Str(args, "path") ?? "";
        if (path.Contains("..", StringComparison.Ordinal) || path.Contains('#', StringComparison.Ordinal) || path.StartsWith("//", StringComparison.Ordinal))
        {
            return new ToolResult(false, "The path must stay below the integration's endpoint.", null, "invalid path");
        }

        var method = HttpMethod.Parse(Str(args, "method") ?? "GET");
        var body = method == HttpMethod.Get || method == HttpMethod.Delete ? null : args["body"]?.DeepClone();
        var response = await caller.SendAsync(c, method, path, body, ct);
        return response.Ok
            ? new ToolResult(true, $"HTTP {response.Status}: {Clip(response.Text, 300)}", response.Body?.DeepClone() ?? JsonValue.Create(Clip(response.Text, 2000)))
            : Failed(response);
    }
}
