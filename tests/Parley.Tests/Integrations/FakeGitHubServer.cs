using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Parley.Tests.Integrations;

/// <summary>
/// GitHub's REST issues API for one repository (acme/widgets) with a Bearer token: the repository,
/// issues (the list includes a pull request, as GitHub's does), one issue, new issues and comments.
/// </summary>
public sealed class FakeGitHubServer : FakeUpstream
{
    public const string Token = "ghp_fake0123456789abcdefghijklmnopqrstuv";
    public const string Owner = "acme";
    public const string Repo = "widgets";

    private int _next = 43;

    protected override void Map(WebApplication app)
    {
        var repo = app.MapGroup($"/repos/{Owner}/{Repo}");
        repo.AddEndpointFilter(async (context, next) => context.HttpContext.Request.Headers.Authorization.ToString() == "Bearer " + Token
            ? await next(context)
            : Results.Json(new { message = "Bad credentials", documentation_url = "https://docs.github.com/rest", status = "401" }, statusCode: 401));
        repo.MapGet("", () => Results.Json(new
        {
            id = 1296269,
            node_id = "MDEwOlJlcG9zaXRvcnkxMjk2MjY5",
            name = Repo,
            full_name = $"{Owner}/{Repo}",
            @private = true,
            owner = new { login = Owner, id = 1, type = "Organization" },
            html_url = $"https://github.com/{Owner}/{Repo}",
            open_issues_count = 2,
        }));
        repo.MapGet("/issues", (string? state, int? per_page) => Results.Json(new object[]
        {
            Issue(42, "Crash when exporting CSV", "open"),
            Issue(41, "Dark mode colours are off", "open"),
            PullRequest(40, "Fix typo in README"),
        }));
        repo.MapGet("/issues/{number:int}", (int number) => number == 42
            ? Results.Json(Issue(42, "Crash when exporting CSV", "open"))
            : Results.Json(new { message = "Not Found", documentation_url = "https://docs.github.com/rest/issues/issues#get-an-issue", status = "404" }, statusCode: 404));
        repo.MapPost("/issues", (JsonObject body) => Results.Json(Issue(Interlocked.Increment(ref _next), body["title"]!.GetValue<string>(), "open"), statusCode: 201));
        repo.MapPost("/issues/{number:int}/comments", (int number, JsonObject body) => Results.Json(new
        {
            id = 1,
            node_id = "MDEyOklzc3VlQ29tbWVudDE=",
            html_url = $"https://github.com/{Owner}/{Repo}/issues/{number}#issuecomment-1",
            body = body["body"]!.GetValue<string>(),
            user = new { login = "parley-bot", id = 99 },
            created_at = "2026-11-30T10:00:00Z",
        }, statusCode: 201));
    }

    private static object Issue(int number, string title, string state) => new
    {
        id = 1_000_000 + number,
        node_id = "MDU6SXNzdWUx",
        url = $"https://api.github.com/repos/{Owner}/{Repo}/issues/{number}",
        html_url = $"https://github.com/{Owner}/{Repo}/issues/{number}",
        number,
        state,
        title,
        body = "Steps to reproduce...",
        user = new { login = "octocat", id = 1 },
        labels = Array.Empty<object>(),
        comments = 0,
        created_at = "2026-11-28T09:00:00Z",
        updated_at = "2026-11-29T09:00:00Z",
    };

    private static object PullRequest(int number, string title) => new
    {
        id = 1_000_000 + number,
        number,
        state = "open",
        title,
        html_url = $"https://github.com/{Owner}/{Repo}/pull/{number}",
        user = new { login = "octocat", id = 1 },
        pull_request = new { url = $"https://api.github.com/repos/{Owner}/{Repo}/pulls/{number}", html_url = $"https://github.com/{Owner}/{Repo}/pull/{number}" },
    };
}
