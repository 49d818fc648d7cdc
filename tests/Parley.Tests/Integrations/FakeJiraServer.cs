using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Parley.Tests.Integrations;

/// <summary>
/// Jira REST v2 and v3 as Jira Cloud answers them: <c>/myself</c>, <c>/search</c> (v2) and
/// <c>/search/jql</c> (v3), <c>/issue</c>, <c>/issue/{key}</c>, <c>/issue/{key}/comment</c>, with
/// Basic auth (email + API token) and Jira's <c>errorMessages</c> error shape.
/// </summary>
public sealed class FakeJiraServer : FakeUpstream
{
    public const string Email = "bot@example.com";
    public const string Token = "jira-api-token-0123456789";

    private int _nextIssue = 3;

    protected override void Map(WebApplication app)
    {
        var api = app.MapGroup("/rest/api/{version}");
        api.AddEndpointFilter(async (context, next) => Authorized(context.HttpContext) ? await next(context)
            : Results.Json(new { errorMessages = new[] { "You are not authenticated. Authentication required to perform this operation." }, errors = new { } }, statusCode: 401));
        api.MapGet("/myself", (HttpContext http) => Results.Json(new
        {
            self = "https://example.atlassian.net/rest/api/2/user?accountId=5b10a2844c20165700ede21g",
            accountId = "5b10a2844c20165700ede21g",
            emailAddress = Email,
            displayName = "Parley Bot",
            active = true,
            timeZone = "Europe/Berlin",
        }));
        api.MapGet("/search", (string? jql, int? maxResults) => Results.Json(new
        {
            expand = "names,schema",
            startAt = 0,
            maxResults = maxResults ?? 50,
            total = 2,
            issues = Issues(),
        }));
        api.MapGet("/search/jql", (string? jql, int? maxResults) => Results.Json(new { issues = Issues(), isLast = true }));
        api.MapGet("/issue/{key}", (string key) => key == "PROJ-1"
            ? Results.Json(Issue("10001", "PROJ-1", "Login page times out", "In Progress", "High", "Grace Hopper"))
            : Results.Json(new { errorMessages = new[] { "Issue does not exist or you do not have permission to see it." }, errors = new { } }, statusCode: 404));
        api.MapPost("/issue", (JsonObject body) =>
        {
            var n = Interlocked.Increment(ref _nextIssue);
            var key = $"{body["fields"]?["project"]?["key"]}-{n}";
            return Results.Json(new { id = (10000 + n).ToString(), key, self = $"https://example.atlassian.net/rest/api/2/issue/{10000 + n}" }, statusCode: 201);
        });
        api.MapPost("/issue/{key}/comment", (string key, JsonObject body) => Results.Json(new
        {
            self = $"https://example.atlassian.net/rest/api/2/issue/10001/comment/10100",
            id = "10100",
            author = new { accountId = "5b10a2844c20165700ede21g", displayName = "Parley Bot", active = true },
            body = body["body"],
            created = "2026-11-30T10:00:00.000+0000",
            updated = "2026-11-30T10:00:00.000+0000",
        }, statusCode: 201));
    }

    private static bool Authorized(HttpContext http)
        => http.Request.Headers.Authorization.ToString() == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Email}:{Token}"));

    private static object[] Issues() =>
    [
        Issue("10001", "PROJ-1", "Login page times out", "In Progress", "High", "Grace Hopper"),
        Issue("10002", "PROJ-2", "Invoice PDF is blank", "To Do", "Medium", null),
    ];

    private static object Issue(string id, string key, string summary, string status, string priority, string? assignee) => new
    {
        expand = "operations,versionedRepresentations,editmeta,changelog,renderedFields",
        id,
        self = $"https://example.atlassian.net/rest/api/2/issue/{id}",
        key,
        fields = new
        {
            summary,
            status = new { self = "https://example.atlassian.net/rest/api/2/status/3", description = "", name = status, id = "3", statusCategory = new { id = 4, key = "indeterminate", colorName = "yellow", name = status } },
            priority = new { self = "https://example.atlassian.net/rest/api/2/priority/2", name = priority, id = "2" },
            assignee = assignee is null ? null : new { accountId = "5b10ac8d82e05b22cc7d4ef5", displayName = assignee, active = true },
            updated = "2026-11-29T16:32:10.000+0000",
        },
    };
}
