using Parley.Tests.Infrastructure;

namespace Parley.Tests.Conventions;

public sealed class CorsApp : ParleyApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Parley:Http:CorsOrigins:0", "https://support.example.com")];
}

public sealed class CorsTests(CorsApp app) : IClassFixture<CorsApp>
{
    private async Task<HttpResponseMessage> PreflightAsync(string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/auth/login");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type,authorization");
        return await app.Anonymous().SendAsync(request);
    }

    [Fact]
    public async Task Allowed_origins_get_cors_headers_and_others_do_not()
    {
        var allowed = await PreflightAsync("https://support.example.com");
        Assert.Equal("https://support.example.com", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());

        var denied = await PreflightAsync("https://evil.example");
        Assert.False(denied.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
