using System.Text;
using System.Text.Json.Nodes;
using Parley.Server.Tools;
using static Parley.Server.Integrations.IntegrationActions;

namespace Parley.Server.Integrations;

/// <summary>
/// Jira REST API v2 (Server, Data Center, Cloud) or v3 (Cloud, <c>config.api_version = "3"</c>):
/// search by JQL, get an issue, create an issue, add a comment. v3 takes rich text as Atlassian
/// Document Format and searches at <c>/search/jql</c>.
/// </summary>
public static class JiraActions
{
    public static readonly IReadOnlyList<IntegrationAction> All =
    [
        new("jira_search_issues", IntegrationTypes.Jira, "Search Jira issues", "Find Jira issues with a JQL query, for example: project = PROJ AND statusCategory != Done.",
            Schema(new JsonObject
            {
                ["jql"] = Prop("string", "The JQL query.", 2000),
                ["max_results"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = 50, ["description"] = "At most this many issues (default 10)." },
            }, "jql"),
            SearchAsync),
        new("jira_get_issue", IntegrationTypes.Jira, "Get a Jira issue", "Read one Jira issue by its key, for example PROJ-123.",
            Schema(new JsonObject { ["issue_key"] = IssueKey() }, "issue_key"),
            GetAsync),
        new("jira_create_issue", IntegrationTypes.Jira, "Create a Jira issue", "Open a new Jira issue in the configured project (or project_key).",
            Schema(new JsonObject
            {
                ["summary"] = Prop("string", "One-line title of the issue.", 255),
                ["description"] = Prop("string", "Details of the issue.", 20000),
                ["issue_type"] = Prop("string", "Issue type name (default Task).", 100),
                ["project_key"] = Prop("string", "Project key; the integration's project_key when omitted.", 50),
            }, "summary"),
            CreateAsync),
        new("jira_add_comment", IntegrationTypes.Jira, "Comment on a Jira issue", "Add a comment to a Jira issue.",
            Schema(new JsonObject { ["issue_key"] = IssueKey(), ["body"] = Prop("string", "The comment text.", 20000) }, "issue_key", "body"),
            CommentAsync),
    ];

    private static JsonObject IssueKey() => new() { ["type"] = "string", ["pattern"] = "^[A-Za-z][A-Za-z0-9_]*-[0-9]+$", ["description"] = "Issue key such as PROJ-123." };

    private static string Api(IntegrationConnection c) => c.Setting("api_version") == "3" || c.Config["api_version"]?.ToString() == "3" ? "/rest/api/3" : "/rest/api/2";

    private static bool V3(IntegrationConnection c) => Api(c).EndsWith('3');

    /// <summary>The call used by the connection test: who the credentials belong to.</summary>
    public static Task<IntegrationResponse> TestAsync(IntegrationConnection c, IntegrationCaller caller, CancellationToken ct)
        => caller.SendAsync(c, HttpMethod.Get, Api(c) + "/myself", null, ct);

    private static async Task<ToolResult> SearchAsync(IntegrationConnection c, JsonObject args, IntegrationCaller caller, CancellationToken ct)
    {
        var query = $"?jql={Uri.EscapeDataString(Str(args, "jql")!)}&maxResults={Int(args, "max_results", 10)}&fields=summary,status,priority,assignee,updated";
        var response = await caller.SendAsync(c, HttpMethod.Get, Api(c) + (V3(c) ? "/search/jql" : "/search") + query, null, ct);
        if (!response.Ok)
        {
            return Failed(response);
        }

        var issues = (response.Body?["issues"] as JsonArray ?? []).OfType<JsonObject>().Select(Brief).ToList();
        var total = response.Body?["total"]?.GetValue<int>() ?? issues.Count;
        var text = new StringBuilder(issues.Count == 0 ? "No Jira issues match." : $"{total} Jira issue{(total == 1 ? "" : "s")} found:");
        foreach (var issue in issues)
        {
            text.Append($"\n- {issue["key"]}: {issue["summary"]} ({issue["status"]})");
        }

        return new ToolResult(true, text.ToString(), new JsonObject { ["total"] = total, ["issues"] = new JsonArray([.. issues]) });
    }

    private static async Task<ToolResult> GetAsync(IntegrationConnection c, JsonObject args, IntegrationCaller caller, CancellationToken ct)
    {
        var response = await caller.SendAsync(c, HttpMethod.Get, $"{Api(c)}/issue/{Uri.EscapeDataString(Str(args, "issue_key")!)}", null, ct);
        if (!response.Ok)
        {
            return Failed(response);
        }

        var issue = Brief(response.Body as JsonObject ?? []);
        return new ToolResult(true, $"{issue["key"]}: {issue["summary"]} ({issue["status"]}, priority {issue["priority"] ?? "none"}, assignee {issue["assignee"] ?? "nobody"})", issue);
    }

    private static async Task<ToolResult> CreateAsync(IntegrationConnection c, JsonObject args, IntegrationCaller caller, CancellationToken ct)
    {
        var project = Str(args, "project_key") ?? c.Setting("project_key");
        if (project is null)
        {
            return new ToolResult(false, "No project: pass project_key or set config.project_key on the integration.", null, "missing project_key");
        }

        var fields = new JsonObject
        {
            ["project"] = new JsonObject { ["key"] = project },
            ["summary"] = Str(args, "summary"),
            ["issuetype"] = new JsonObject { ["name"] = Str(args, "issue_type") ?? "Task" },
        };
        if (Str(args, "description") is { } description)
        {
            fields["description"] = V3(c) ? Document(description) : description;
        }

        var response = await caller.SendAsync(c, HttpMethod.Post, Api(c) + "/issue", new JsonObject { ["fields"] = fields }, ct);
        if (!response.Ok)
        {
            return Failed(response);
        }

        var key = response.Body?["key"]?.GetValue<string>();
        return new ToolResult(true, $"Created Jira issue {key}.", new JsonObject { ["id"] = response.Body?["id"]?.DeepClone(), ["key"] = key, ["self"] = response.Body?["self"]?.DeepClone() });
    }

    private static async Task<ToolResult> CommentAsync(IntegrationConnection c, JsonObject args, IntegrationCaller caller, CancellationToken ct)
    {
        var key = Str(args, "issue_key")!;
        var body = Str(args, "body")!;
        var response = await caller.SendAsync(c, HttpMethod.Post, $"{Api(c)}/issue/{Uri.EscapeDataString(key)}/comment",
            new JsonObject { ["body"] = V3(c) ? Document(body) : body }, ct);
        return response.Ok
            ? new ToolResult(true, $"Added a comment to {key}.", new JsonObject { ["id"] = response.Body?["id"]?.DeepClone(), ["issue_key"] = key })
            : Failed(response);
    }

    private static JsonObject Brief(JsonObject issue)
    {
        var fields = issue["fields"] as JsonObject ?? [];
        return new JsonObject
        {
            ["id"] = issue["id"]?.DeepClone(),
            ["key"] = issue["key"]?.DeepClone(),
            ["summary"] = fields["summary"]?.DeepClone(),
            ["status"] = fields["status"]?["name"]?.DeepClone(),
            ["priority"] = fields["priority"]?["name"]?.DeepClone(),
            ["assignee"] = fields["assignee"]?["displayName"]?.DeepClone(),
        };
    }

    /// <summary>Plain text as an Atlassian Document Format document (one paragraph per line).</summary>
    private static JsonObject Document(string text) => new()
    {
        ["type"] = "doc",
        ["version"] = 1,
        ["content"] = new JsonArray([.. text.Split('\n').Select(line => (JsonNode)new JsonObject
        {
            ["type"] = "paragraph",
            ["content"] = line.Length == 0 ? new JsonArray() : new JsonArray(new JsonObject { ["type"] = "text", ["text"] = line }),
        })]),
    };
}
