using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Conformance;

/// <summary>/openapi.json as a client generator reads it (issue 19): one listing per operation, each named and summarised.</summary>
public sealed partial class OpenApiDocumentTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "options", "head", "trace"];

    private async Task<JsonElement> DocumentAsync() => await Json.ReadAsync(await app.Anonymous().GetAsync("/openapi.json"), 200);

    private static IEnumerable<(string Path, string Method, JsonElement Operation, JsonElement Item)> Operations(JsonElement document)
        => from path in document.GetProperty("paths").EnumerateObject()
           from member in path.Value.EnumerateObject()
           where Methods.Contains(member.Name)
           select (path.Name, member.Name, member.Value, path.Value);

    [Fact]
    public async Task Every_operation_has_a_unique_operationId_and_a_summary()
    {
        var operations = Operations(await DocumentAsync()).ToList();
        Assert.True(operations.Count > 100, $"only {operations.Count} operations");

        var unnamed = operations.Where(o => !o.Operation.TryGetProperty("operationId", out var id) || string.IsNullOrWhiteSpace(id.GetString()))
            .Select(o => $"{o.Method.ToUpperInvariant()} {o.Path}").ToList();
        Assert.True(unnamed.Count == 0, "no operationId (add them to Operations/OpenApi/OperationNames.cs): " + string.Join(", ", unnamed));
        var unsummarised = operations.Where(o => !o.Operation.TryGetProperty("summary", out var s) || string.IsNullOrWhiteSpace(s.GetString()))
            .Select(o => $"{o.Method.ToUpperInvariant()} {o.Path}").ToList();
        Assert.True(unsummarised.Count == 0, "no summary: " + string.Join(", ", unsummarised));

        var duplicates = operations.GroupBy(o => o.Operation.GetProperty("operationId").GetString()).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, "operationId used twice: " + string.Join(", ", duplicates));
    }

    [Fact]
    public async Task Each_route_is_listed_once_under_api_v1_and_the_root_aliases_are_noted()
    {
        var document = await DocumentAsync();
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        var aliases = paths.Where(p => !p.StartsWith("/api/v1/", StringComparison.Ordinal) && paths.Contains("/api/v1" + p)).ToList();
        Assert.True(aliases.Count == 0, "listed twice: " + string.Join(", ", aliases));
        Assert.Equal(["/", "/metrics"], paths.Where(p => !p.StartsWith("/api/v1/", StringComparison.Ordinal)).Order());
        Assert.Contains("root path", document.GetProperty("info").GetProperty("description").GetString());

        // The alias still answers: it is undocumented, not gone.
        Assert.Equal(200, (int)(await app.Admin.Client.GetAsync("/users/me")).StatusCode);
    }

    [Fact]
    public async Task Every_path_parameter_is_declared()
    {
        var missing = new List<string>();
        foreach (var (path, method, operation, item) in Operations(await DocumentAsync()))
        {
            var declared = new[] { operation, item }
                .SelectMany(e => e.TryGetProperty("parameters", out var p) ? p.EnumerateArray() : Enumerable.Empty<JsonElement>())
                .Where(p => p.GetProperty("in").GetString() == "path")
                .Select(p => p.GetProperty("name").GetString())
                .ToHashSet();
            missing.AddRange(PathParameter().Matches(path).Select(m => m.Groups[1].Value).Where(n => !declared.Contains(n)).Select(n => $"{method} {path}: {n}"));
        }

        Assert.True(missing.Count == 0, "undeclared: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task Post_users_requires_only_email_and_password_and_shows_the_roles()
    {
        var document = await DocumentAsync();
        var body = document.GetProperty("paths").GetProperty("/api/v1/users").GetProperty("post").GetProperty("requestBody")
            .GetProperty("content").GetProperty("application/json");
        var name = body.GetProperty("schema").GetProperty("$ref").GetString()!.Split('/')[^1];
        var schema = document.GetProperty("components").GetProperty("schemas").GetProperty(name);

        Assert.Equal(["email", "password"], schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()).Order());
        Assert.Equal(["admin", "agent", "user"], schema.GetProperty("properties").GetProperty("role").GetProperty("enum").EnumerateArray().Select(e => e.GetString()).Order());
        Assert.Equal("agent", body.GetProperty("example").GetProperty("role").GetString());

        // What the document promises is what the server does: email and password alone make a user.
        var created = await app.Admin.Client.PostAsync("/api/v1/users", JsonContent.Create(new { email = $"min-{Guid.NewGuid():N}@example.com", password = "Pass-minimal-1" }));
        Assert.Equal(201, (int)created.StatusCode);
    }

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex PathParameter();
}
