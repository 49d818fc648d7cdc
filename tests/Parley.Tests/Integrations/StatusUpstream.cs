using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Parley.Tests.Integrations;

/// <summary>
/// A plain HTTP service for an <c>http</c> integration or a custom tool: <c>GET /health</c> answers
/// 200 with the bearer token required when <see cref="RequiredToken"/> is set; <c>GET /orders/{id}</c>
/// answers the order. Tests start and stop it themselves to see a connection test fail.
/// </summary>
public sealed class StatusUpstream : FakeUpstream
{
    public string? RequiredToken { get; init; }

    protected override void Map(WebApplication app)
    {
        app.MapGet("/health", (HttpContext http) => RequiredToken is null || http.Request.Headers.Authorization == $"Bearer {RequiredToken}"
            ? Results.Ok(new { status = "ok" })
            : Results.Json(new { message = "bad token" }, statusCode: 401));
        app.MapGet("/orders/{id}", (string id) => Results.Ok(new { order = id, status = "shipped" }));
    }

    public static async Task<StatusUpstream> StartAsync(string? requiredToken = null)
    {
        var upstream = new StatusUpstream { RequiredToken = requiredToken };
        await upstream.InitializeAsync();
        return upstream;
    }
}
