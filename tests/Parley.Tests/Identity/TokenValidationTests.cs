using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Parley.Tests.Infrastructure;

namespace Parley.Tests.Identity;

/// <summary>
/// Forged and broken access tokens. Each forgery starts from the claims of a real session and
/// changes exactly one thing; the control case proves the forging itself is sound.
/// </summary>
public sealed class TokenValidationTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private static readonly JsonWebTokenHandler Handler = new();

    private byte[] ServerKey => Convert.FromBase64String(File.ReadAllText(Path.Combine(app.DataDir, "jwt-signing.key")));

    private async Task<int> StatusWithAsync(string token)
        => (int)(await app.Authorized(token).GetAsync("/api/v1/auth/me")).StatusCode;

    private string Forge(TestUser user, byte[]? key = null, string algorithm = SecurityAlgorithms.HmacSha256,
        string issuer = "parley", string audience = "parley-api", DateTime? expires = null)
    {
        var real = new JsonWebToken(user.AccessToken);
        var now = DateTime.UtcNow;
        var expiry = expires ?? now.AddMinutes(10);
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = expiry.AddMinutes(-20),
            NotBefore = expiry.AddMinutes(-20),
            Expires = expiry,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? ServerKey), algorithm),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = real.GetClaim("sub").Value,
                ["tid"] = real.GetClaim("tid").Value,
                ["sid"] = real.GetClaim("sid").Value,
                ["role"] = real.GetClaim("role").Value,
            },
        });
    }

    [Fact]
    public async Task A_correctly_signed_token_is_accepted_control_case()
    {
        var user = await app.RegisterAsync();
        Assert.Equal(200, await StatusWithAsync(Forge(user)));
    }

    [Fact]
    public async Task Alg_none_is_rejected()
    {
        var user = await app.RegisterAsync();
        var payload = new JsonWebToken(user.AccessToken).EncodedPayload;
        var header = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes("""{"alg":"none","typ":"JWT"}"""));
        Assert.Equal(401, await StatusWithAsync($"{header}.{payload}."));
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_rejected()
    {
        var user = await app.RegisterAsync();
        Assert.Equal(401, await StatusWithAsync(Forge(user, key: RandomNumberGenerator.GetBytes(64))));
    }

    [Fact]
    public async Task An_algorithm_outside_the_allowlist_is_rejected_even_with_the_right_key()
    {
        var user = await app.RegisterAsync();
        Assert.Equal(401, await StatusWithAsync(Forge(user, algorithm: SecurityAlgorithms.HmacSha512)));
    }

    [Fact]
    public async Task An_expired_token_is_rejected()
    {
        var user = await app.RegisterAsync();
        Assert.Equal(401, await StatusWithAsync(Forge(user, expires: DateTime.UtcNow.AddMinutes(-5))));
    }

    [Fact]
    public async Task A_wrong_audience_or_issuer_is_rejected()
    {
        var user = await app.RegisterAsync();
        Assert.Equal(401, await StatusWithAsync(Forge(user, audience: "someone-else")));
        Assert.Equal(401, await StatusWithAsync(Forge(user, issuer: "https://evil.example")));
    }

    [Fact]
    public async Task A_tampered_payload_is_rejected()
    {
        var user = await app.RegisterAsync();
        var token = new JsonWebToken(user.AccessToken);
        var promoted = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(token.EncodedPayload)).Replace("\"role\":\"user\"", "\"role\":\"admin\"", StringComparison.Ordinal);
        Assert.Contains("\"admin\"", promoted);
        Assert.Equal(401, await StatusWithAsync($"{token.EncodedHeader}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(promoted))}.{token.EncodedSignature}"));
    }

    [Fact]
    public async Task A_forged_role_claim_does_not_grant_admin_rights()
    {
        // Even a validly signed token (say, a leaked key) cannot raise the role: roles are read
        // from the database on every request.
        var user = await app.RegisterAsync();
        var real = new JsonWebToken(user.AccessToken);
        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "parley",
            Audience = "parley-api",
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(ServerKey), SecurityAlgorithms.HmacSha256),
            Claims = new Dictionary<string, object> { ["sub"] = real.GetClaim("sub").Value, ["tid"] = real.GetClaim("tid").Value, ["sid"] = real.GetClaim("sid").Value, ["role"] = "admin" },
        });
        Assert.Equal(403, (int)(await app.Authorized(token).GetAsync("/api/v1/users")).StatusCode);
    }
}
