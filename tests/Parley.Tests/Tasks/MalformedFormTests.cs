using System.Net.Http.Headers;
using System.Text;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Tasks;

/// <summary>Endpoints that take JSON or a form answer a body that claims to be a form but is not one with a 400, not a 500.</summary>
public sealed class MalformedFormTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Theory]
    [InlineData("/api/v1/tasks/analyze", true)]
    [InlineData("/tasks/analyze", true)]
    [InlineData("/api/v1/auth/login", false)]
    public async Task A_json_body_sent_as_multipart_is_a_400_with_the_error_envelope(string path, bool signedIn)
    {
        var client = signedIn ? (await app.RegisterAsync()).Client : app.Anonymous();
        var content = new StringContent("""{"description":"How are we doing?","email":"a@example.com","password":"x"}""", Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");

        var error = await Json.ReadErrorAsync(await client.PostAsync(path, content), 400);
        Assert.Contains("form", error.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        await Json.ReadAsync(await app.Anonymous().GetAsync("/health"), 200);
    }
}
