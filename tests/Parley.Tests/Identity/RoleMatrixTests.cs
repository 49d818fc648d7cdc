using System.Text;
using System.Text.Json;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Identity;

/// <summary>
/// The table "Roles: who may call what" of docs/security.md, read from the file and called row by
/// row as every role: <c>refused</c> must be a 403 in the error envelope, <c>own</c> and <c>whole</c>
/// must pass authorization (an unknown id then answers 404, an empty body 4xx, never 401, 403 or 5xx).
/// Which slice a role sees is tested in <c>RoleOwnershipTests</c>.
/// </summary>
public sealed class RoleMatrixTests(RoleMatrixTests.App app) : IClassFixture<RoleMatrixTests.App>
{
    public static readonly string[] Roles = ["user", "agent", "admin", "platform admin"];

    /// <summary>One tenant with an admin, an agent and a user, plus the platform admin.</summary>
    public sealed class App : ParleyApp
    {
        public Dictionary<string, TestUser> Callers { get; } = [];

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            var admin = await CreateTenantWithAdminAsync("Matrix");
            Callers["admin"] = admin;
            Callers["agent"] = await CreateUserAsync(admin, "agent");
            Callers["user"] = await CreateUserAsync(admin);
            Callers["platform admin"] = Admin;
        }
    }

    public static TheoryData<string, string, string, string, string> Rows()
    {
        var data = new TheoryData<string, string, string, string, string>();
        foreach (var row in ReadTable())
        {
            data.Add(row[0], row[1], row[2], row[3], row[4]);
        }

        return data;
    }

    /// <summary>The rows of the markdown table under "## Roles: who may call what" in docs/security.md.</summary>
    public static List<string[]> ReadTable()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Parley.slnx")))
        {
            directory = directory.Parent;
        }

        var lines = File.ReadAllLines(Path.Combine(directory?.FullName ?? throw new InvalidOperationException("Parley.slnx not found above the test binaries."), "docs", "security.md"));
        var section = Array.FindIndex(lines, l => l.Trim() == "## Roles: who may call what");
        Assert.True(section >= 0, "docs/security.md has no section '## Roles: who may call what'.");
        var rows = new List<string[]>();
        foreach (var line in lines.Skip(section + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')))
        {
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (cells[0] == "route" || cells[0].StartsWith("---", StringComparison.Ordinal))
            {
                continue;
            }

            Assert.Equal(5, cells.Length);
            Assert.All(cells.Skip(1), c => Assert.Contains(c, new[] { "whole", "own", "refused" }));
            rows.Add(cells);
        }

        Assert.True(rows.Count > 50, $"Only {rows.Count} rows in the role table.");
        return rows;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Every_role_gets_what_the_table_says(string route, string user, string agent, string admin, string platformAdmin)
    {
        var expected = new[] { user, agent, admin, platformAdmin };
        var space = route.IndexOf(' ', StringComparison.Ordinal);
        var method = new HttpMethod(route[..space]);
        var wrong = new List<string>();
        for (var i = 0; i < Roles.Length; i++)
        {
            var path = "/api/v1" + string.Join('/', route[(space + 1)..].Split('/').Select(s => s.StartsWith('{') ? Guid.NewGuid().ToString() : s));
            using var request = new HttpRequestMessage(method, path);
            if (method != HttpMethod.Get && method != HttpMethod.Delete)
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            using var response = await app.Callers[Roles[i]].Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            var ok = expected[i] == "refused" ? status == 403 && await IsEnvelopeAsync(response) : status is not (401 or 403) and < 500;
            if (!ok)
            {
                wrong.Add($"{Roles[i]} {route}: {status}, expected {(expected[i] == "refused" ? "403" : "allowed (" + expected[i] + ")")}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }

    private static async Task<bool> IsEnvelopeAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.TryGetProperty("error", out var error) && error.GetProperty("code").GetString() == "AUTHORIZATION_ERROR";
    }
}
