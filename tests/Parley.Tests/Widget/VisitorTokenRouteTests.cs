using System.Text;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Widget;

/// <summary>
/// A visitor token reaches the widget's routes and the two chat surfaces the widget falls back to,
/// and nothing else: every operation of /openapi.json is called with one, and every route that is
/// not the widget's answers 401 or 403 (the others answer for the visitor's own data only: 404 for
/// a conversation that is not its own, 422 for an empty body).
/// </summary>
public sealed class VisitorTokenRouteTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private static readonly string[] VisitorSurfaces = ["/chat/stream", "/conversations/{id}/events"];

    [Fact]
    public async Task Every_route_but_the_widgets_refuses_a_visitor_token()
    {
        // With attachments allowed, the upload route answers for the visitor's own conversations (404 here), not 403.
        var channel = await WidgetKit.CreateChannelAsync(app.Admin, extra: new { allow_attachments = true });
        var visitor = await WidgetKit.StartVisitorAsync(app, channel.WebsiteToken);
        var doc = await Json.ReadAsync(await app.Anonymous().GetAsync("/openapi.json"), 200);
        var wrong = new List<string>();
        var called = 0;
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var tags = operation.Value.TryGetProperty("tags", out var t) ? t.EnumerateArray().Select(x => x.GetString()).ToList() : [];
                var url = string.Join('/', path.Name.Split('/').Select(s => s == "{websiteToken}" ? channel.WebsiteToken : s.StartsWith('{') ? Guid.NewGuid().ToString() : s));
                using var request = new HttpRequestMessage(new HttpMethod(operation.Name.ToUpperInvariant()), url);
                if (operation.Name is not ("get" or "delete" or "head"))
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                }

                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                using var response = await visitor.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                var status = (int)response.StatusCode;
                called++;
                var surface = VisitorSurfaces.Any(s => path.Name.EndsWith(s, StringComparison.Ordinal));
                var ok = tags.Contains("Widget") ? status is not (401 or 403) and < 500
                    : surface ? status is 404 or 422
                    : status is 401 or 403;
                if (!ok)
                {
                    wrong.Add($"{operation.Name.ToUpperInvariant()} {path.Name}: {status}");
                }
            }
        }

        Assert.True(called > 140, $"Only {called} operations in /openapi.json.");
        Assert.True(wrong.Count == 0, string.Join("; ", wrong));

        // Sockets are not in the OpenAPI document: the tenant-wide one refuses visitors too.
        var (socket, status2) = await WidgetKit.ConnectAsync(app, "/ws", visitor.AccessToken, WidgetKit.HostOrigin);
        Assert.Null(socket);
        Assert.Equal(403, status2);
    }

    [Fact]
    public async Task Widget_routes_have_operation_ids_and_summaries_in_openapi()
    {
        var doc = await Json.ReadAsync(await app.Anonymous().GetAsync("/openapi.json"), 200);
        var paths = doc.GetProperty("paths");
        var create = paths.GetProperty("/api/v1/widget/channels").GetProperty("post");
        Assert.Equal("createWidgetChannel", create.GetProperty("operationId").GetString());
        Assert.False(string.IsNullOrEmpty(create.GetProperty("summary").GetString()));
        Assert.False(paths.TryGetProperty("/widget/channels", out _), "The root alias is described once, in the document's description, not listed again.");
        Assert.Equal("createWidgetVisitor", paths.GetProperty("/api/v1/widget/{websiteToken}/visitors").GetProperty("post").GetProperty("operationId").GetString());
        var ids = paths.EnumerateObject().SelectMany(p => p.Value.EnumerateObject())
            .Where(o => o.Value.TryGetProperty("operationId", out _)).Select(o => o.Value.GetProperty("operationId").GetString()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}
