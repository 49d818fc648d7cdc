using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Parley.Server.Storage;
using Parley.Server.Users;

namespace Parley.Server.Auth;

public sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresIn);

/// <summary>Issues access tokens and rotates refresh tokens inside login sessions.</summary>
public sealed class TokenService(ParleyDb db, SigningKeys keys, PrincipalCheck principals, Infrastructure.Events.ICredentialRevocations sockets, IOptions<AuthOptions> options, TimeProvider clock, ILogger<TokenService> logger)
{
    private static readonly JsonWebTokenHandler Handler = new();
    private readonly AuthOptions _options = options.Value;

    public int AccessTokenSeconds => _options.AccessTokenMinutes * 60;

    public string CreateAccessToken(User user, Guid sessionId)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(_options.AccessTokenMinutes),
            SigningCredentials = new SigningCredentials(keys.Key, SecurityAlgorithms.HmacSha256),
            Claims = new Dictionary<string, object>
            {
                [ParleyClaims.UserId] = user.Id.ToString(),
                [ParleyClaims.TenantId] = user.TenantId.ToString(),
                [ParleyClaims.Role] = user.Role,
                [ParleyClaims.SessionId] = sessionId.ToString(),
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            },
        });
    }

    /// <summary>Starts a login session: a refresh-token family and its first tokens. The caller saves.</summary>
    public TokenPair StartSession(User user, string? userAgent, string? ipAddress)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var session = new AuthSession
        {
            Id = Guid.CreateVersion7(),
            TenantId = user.TenantId,
            UserId = user.Id,
            CreatedAt = now,
            LastSeenAt = now,
            UserAgent = Truncate(userAgent, 256),
            IpAddress = ipAddress,
        };
        db.AuthSessions.Add(session);
        var refresh = AddRefreshToken(session, now);
        return new TokenPair(CreateAccessToken(user, session.Id), refresh, AccessTokenSeconds);
    }

    /// <summary>
    /// A pair shaped like <see cref="StartSession"/>'s that opens nothing: no session is stored, so
    /// the access token is refused at first use and the refresh token matches no stored hash.
    /// </summary>
    public TokenPair Unusable(User notStored)
        => new(CreateAccessToken(notStored, Guid.CreateVersion7()), NewOpaqueToken("prt_"), AccessTokenSeconds);

    /// <summary>
    /// Exchanges a refresh token for a new pair. A token that was already used means it leaked:
    /// the whole session (every token of the family, and its access tokens) is revoked.
    /// </summary>
    public async Task<(TokenPair? Tokens, User? User, string? Error)> RotateAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var hash = HashToken(refreshToken);
        var stored = await db.RefreshTokens.IgnoreQueryFilters().FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (stored is null)
        {
            return (null, null, "Invalid refresh token.");
        }

        var session = await db.AuthSessions.IgnoreQueryFilters().FirstAsync(s => s.Id == stored.SessionId, cancellationToken);
        if (session.RevokedAt is not null)
        {
            return (null, null, "This session has been revoked.");
        }

        // Claim the token atomically: of two concurrent uses only one can flip used_at.
        var claimed = stored.UsedAt is null && stored.ExpiresAt > now && await db.RefreshTokens.IgnoreQueryFilters()
            .Where(t => t.Id == stored.Id && t.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), cancellationToken) == 1;
        if (!claimed)
        {
            if (stored.ExpiresAt <= now && stored.UsedAt is null)
            {
                return (null, null, "Refresh token expired.");
            }

            logger.LogWarning("Refresh token reuse detected; revoking session {SessionId} of user {UserId}", session.Id, session.UserId);
            await RevokeSessionAsync(session.Id, "refresh_token_reuse", cancellationToken);
            return (null, null, "Refresh token was already used; the session has been revoked.");
        }

        var user = await db.Users.IgnoreQueryFilters().FirstOrDefaultAsync(u => u.Id == stored.UserId && u.IsActive, cancellationToken);
        if (user is not null && !await Tenants.TenantGate.IsActiveAsync(db, user.TenantId, cancellationToken))
        {
            await RevokeSessionAsync(session.Id, "tenant_inactive", cancellationToken);
            return (null, null, Tenants.TenantGate.Deactivated);
        }

        if (user is null)
        {
            await RevokeSessionAsync(session.Id, "user_inactive", cancellationToken);
            return (null, null, "Account is not active.");
        }

        session.LastSeenAt = now;
        var refresh = AddRefreshToken(session, now);
        await db.SaveChangesAsync(cancellationToken);
        return (new TokenPair(CreateAccessToken(user, session.Id), refresh, AccessTokenSeconds), user, null);
    }

    public async Task RevokeSessionAsync(Guid sessionId, string reason, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var userId = await db.AuthSessions.IgnoreQueryFilters().Where(s => s.Id == sessionId).Select(s => s.UserId).FirstOrDefaultAsync(cancellationToken);
        await db.AuthSessions.IgnoreQueryFilters()
            .Where(s => s.Id == sessionId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, reason), cancellationToken);
        principals.Forget(userId);
        await sockets.RevokeAsync(new Infrastructure.Events.Revocation(Infrastructure.Events.Revocation.Session, sessionId, reason, userId), cancellationToken);
    }

    public async Task RevokeAllSessionsAsync(Guid userId, string reason, Guid? except, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await db.AuthSessions.IgnoreQueryFilters()
            .Where(s => s.UserId == userId && s.RevokedAt == null && s.Id != except)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, reason), cancellationToken);
        principals.Forget(userId);
        await sockets.RevokeAsync(new Infrastructure.Events.Revocation(Infrastructure.Events.Revocation.Sessions, userId, reason, userId, except), cancellationToken);
    }

    /// <summary>The session a refresh token belongs to, if the token is known.</summary>
    public Task<Guid?> FindSessionAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var hash = HashToken(refreshToken);
        return db.RefreshTokens.IgnoreQueryFilters().Where(t => t.TokenHash == hash).Select(t => (Guid?)t.SessionId).FirstOrDefaultAsync(cancellationToken);
    }

    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string NewOpaqueToken(string prefix) => prefix + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    private string AddRefreshToken(AuthSession session, DateTime now)
    {
        var token = NewOpaqueToken("prt_");
        db.RefreshTokens.Add(new RefreshToken
        {
            Id = Guid.CreateVersion7(),
            TenantId = session.TenantId,
            SessionId = session.Id,
            UserId = session.UserId,
            TokenHash = HashToken(token),
            CreatedAt = now,
            ExpiresAt = now.AddDays(_options.RefreshTokenDays),
        });
        return token;
    }

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
