using Parley.Tests.Infrastructure;

namespace Parley.Tests.Console;

/// <summary>
/// The console's files are served at /app to anyone (the API behind them checks every call), deep
/// links load the console, and nothing of it appears in the API description.
/// </summary>
public sealed class ConsoleHostingTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Theory]
    [InlineData("/app/")]
    [InlineData("/app/inbox")]
    [InlineData("/app/conversations/7d0c51c3-3f55-4f4c-9a53-0c1f6a0c8c11")]
    [InlineData("/app/admin/knowledge")]
    public async Task Console_pages_load_the_console_without_a_sign_in(string path)
    {
        var response = await app.Anonymous().GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<base href=\"/app/\" />", html, StringComparison.Ordinal);
        Assert.Contains("_framework/blazor.webassembly", html, StringComparison.Ordinal);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task The_bare_path_redirects_to_the_console_base()
    {
        var response = await app.Anonymous().GetAsync("/app");
        Assert.Equal(302, (int)response.StatusCode);
        Assert.Equal("/app/", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/app/_framework/blazor.webassembly.js", "javascript")]
    [InlineData("/app/css/console.css", "css")]
    [InlineData("/app/js/console.js", "javascript")]
    public async Task The_runtime_and_assets_are_served(string path, string type)
    {
        var response = await app.Anonymous().GetAsync(path);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains(type, response.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 100);
    }

    [Fact]
    public async Task A_missing_console_file_is_a_404_not_the_page()
    {
        var response = await app.Anonymous().GetAsync("/app/_framework/nothing-here.js");
        Assert.Equal(404, (int)response.StatusCode);
    }

    [Fact]
    public async Task The_console_is_not_in_the_API_description()
    {
        var text = await (await app.Anonymous().GetAsync("/openapi.json")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("\"/app", text, StringComparison.Ordinal);
    }
}
