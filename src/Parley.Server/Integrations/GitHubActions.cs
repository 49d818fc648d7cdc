using System.Text;
using System.Text.Json.Nodes;
using Parley.Server.Tools;
using static Parley.Server.Integrations.IntegrationActions;

namespace Parley.Server.Integrations;

/// <summary>GitHub REST API issues of the configured repository: list, get, create, comment.</summary>
public static class GitHubActions
{
    private static readonly Dictionary<string, string> Headers = new(StringComparer.Ordinal)
    {
        ["Accept"] = "application/vnd.github+json",
        ["X-GitHub-Api-Version"] = "2022-11-28",
    };

    public static readonly IReadOnlyList<IntegrationAction> All =
    [
        new("github_list_issues", IntegrationTypes.GitHub, "List GitHub issues", "List issues of the configured GitHub repository.",
            Schema(new JsonObject
            {
                ["state"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("open", "closed", "all"), ["description"] = "Which issues (default open)." },
                ["labels"] = Prop("string", "Comma-separated label names to filter by.", 500),
                ["per_page"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = 50, ["description"] = "At most this many (default 10)." },
            }),
            ListAsync),
        new("github_get_issue", IntegrationTypes.GitHub, "Get a GitHub issue", "Read one issue of the configured GitHub repository by number.",
            Schema(new JsonObject { ["number"] = Number() }, "number"),
            GetAsync),
        new("github_create_issue", IntegrationTypes.GitHub, "Create a GitHub issue", "Open a new issue in the configured GitHub repository.",
            Schema(new JsonObject
            {
                ["title"] = Prop("string", "The issue title.", 256),
                ["body"] = Prop("string", "The issue text (Markdown).", 60000),
                ["labels"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" }, ["maxItems"] = 20 },
            }, "title"),
            CreateAsync),
        new("github_comment_issue", IntegrationTypes.GitHub, "Comment on a GitHub issue", "Add a comment to an issue of the configured GitHub repository.",
            Schema(new JsonObject { ["number"] = Number(), ["body"] = Prop("string", "The comment (Markdown).", 60000) }, "number", "body"),
            CommentAsync),
    ];

    private static JsonObject Number() => new() { ["type"] = "integer", ["minimum"] = 1, ["description"] = "The issue number." };

    private static string Repo(IntegrationConnection c) => $"/repos/{Uri.EscapeDataString(c.Setting("owner")!)}/{Uri.EscapeDataString(c.Setting("repo")!)}";

    /// <summary>The connection test: the repository must be readable with the credentials.</summary>
    public static Task<IntegrationResponse> TestAsync(IntegrationConnection c, IntegrationCaller caller, CancellationToken ct)
        => caller.SendAsync(c, HttpMethod.Get, Repo(c), null, ct, Headers);

    private static async Task<ToolResult> ListAsync(IntegrationConnection c, JsonObject args, IntegrationCaller caller, CancellationToken ct)
    {
        var query = $"?state={Str(args, "state") ?? "open"}&per_page={Int(args, "per_page", 10)}";
        if (Str(args, "labels") is { } labels)
        {
            query += "&labels=" + Uri.EscapeDataString(labels);
        }

        var response = await caller.SendAsync(c, HttpMethod.Get, Repo(c) + "/issues" + query, null, ct, Headers);
        if (!response.Ok)
        {
            return Failed(response);
        }

        // The issues endpoint also returns pull requests; they carry a pull_request object.
        var issues = (response.Body as JsonArray ?? []).OfType<JsonObject>().Where(i => i["pull_request"] is null).Select(Brief).ToList();
        var text = new StringBuilder(issues.Count == 0 ? "No GitHub issues match." : $"{issues.Count} GitHub issue{(issues.Count == 1 ? "" : "s")}:");
        foreach (var issue in issues)
        {
            text.Append($"\n- #{issue["number"]}: {issue["title"]} ({issue["state"]})");
        }

        return new ToolResult(true, text.ToString(), new JsonObject { ["issues"] = new JsonArray([.. issues]) });
    }

    private static async Task<ToolResult> GetAsync(IntegrationConnection c, JsonObject args, IntegrationCaller caller, CancellationToken ct)
    {
        var response = await caller.SendAsync(c, HttpMethod.Get, $"{Repo(c)}/issues/{Int(args, "number", 0)}", null, ct, Headers);
        if (!response.Ok)
        {
            return Failed(response);
        }

        var issue = Brief(response.Body as JsonObject ?? []);
        return new ToolResult(true, $"#{issue["number"]}: {issue["title"]} ({issue["state"]}) {issue["url"]}", issue);
    }

    private static async Task<ToolResult> CreateAsync(IntegrationConnection c, JsonObject args, IntegrationCaller caller, CancellationToken ct)
    {
        var body = new JsonObject { ["title"] = Str(args, "title") };
        if (Str(args, "body") is { } text)
        {
            body["body"] = text;
        }

        if (args["labels"] is JsonArray labels)
        {
            body["labels"] = labels.DeepClone();
        }

        var response = await caller.SendAsync(c, HttpMethod.Post, Repo(c) + "/issues", body, ct, Headers);
        if (!response.Ok)
        {
            return Failed(response);
        }

        var issue = Brief(response.Body as JsonObject ?? []);
        return new ToolResult(true, $"Created GitHub issue #{issue["number"]}: {issue["url"]}", issue);
    }

    private static async Task<ToolResult> CommentAsync(IntegrationConnection c, JsonObject args, IntegrationCaller caller, CancellationToken ct)
    {
        var number = Int(args, "number", 0);
        var response = await caller.SendAsync(c, HttpMethod.Post, $"{Repo(c)}/issues/{number}/comments", new JsonObject { ["body"] = Str(args, "body") }, ct, Headers);
        return response.Ok
            ? new ToolResult(true, $"Added a comment to #{number}.", new JsonObject { ["id"] = response.Body?["id"]?.DeepClone(), ["url"] = response.Body?["html_url"]?.DeepClone() })
            : Failed(response);
    }

    private static JsonObject Brief(JsonObject issue) => new()
    {
        ["number"] = issue["number"]?.DeepClone(),
        ["title"] = issue["title"]?.DeepClone(),
        ["state"] = issue["state"]?.DeepClone(),
        ["url"] = issue["html_url"]?.DeepClone(),
        ["author"] = issue["user"]?["login"]?.DeepClone(),
        ["comments"] = issue["comments"]?.DeepClone(),
    };
}
