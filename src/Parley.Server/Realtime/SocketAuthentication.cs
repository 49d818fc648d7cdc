using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Parley.Server.Auth;
using Parley.Server.Storage;

namespace Parley.Server.Realtime;

/// <summary>
/// Browsers cannot set headers on a WebSocket (or EventSource), so sockets authenticate with
/// <c>?token=</c> (read by the JWT handler for upgrade and event-stream requests only, to keep
/// tokens out of ordinary URLs: <see cref="StreamQueryTokens"/>) or with a first frame <c>{"type":"auth","token":"..."}</c>.
/// </summary>
public sealed class SocketAuthentication(IOptionsMonitor<JwtBearerOptions> jwt, PrincipalCheck principals)
{
    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>Validates a token sent in the first frame exactly as the HTTP pipeline would.</summary>
    public async Task<ClaimsPrincipal?> ValidateAsync(string token, ParleyDb db, CancellationToken cancellationToken)
    {
        var parameters = jwt.Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters;
        var result = await Handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid
            || !Guid.TryParse(Claim(result.Claims, ParleyClaims.UserId), out var userId)
            || !Guid.TryParse(Claim(result.Claims, ParleyClaims.TenantId), out var tenantId)
            || !Guid.TryParse(Claim(result.Claims, ParleyClaims.SessionId), out var sessionId))
        {
            return null;
        }

        var snapshot = await principals.LoadAsync(db, userId, sessionId, cancellationToken);
        return snapshot is null || snapshot.TenantId != tenantId
            ? null
            : PrincipalCheck.Principal(userId, tenantId, snapshot.Role, sessionId, "pwd", JwtBearerDefaults.AuthenticationScheme);
    }

    private static string? Claim(IDictionary<string, object> claims, string name) => claims.TryGetValue(name, out var value) ? value as string : null;
}
