using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Events;
using Parley.Server.Infrastructure.RateLimiting;
using Parley.Server.Storage;
using Parley.Server.Tenants;
using Parley.Server.Users;

namespace Parley.Server.Auth;

public static class AuthApi
{
    public static RouteGroupBuilder MapAuth(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/auth").WithTags("Auth");
        var open = group.MapGroup("").AllowAnonymous().RequireRateLimit(RateLimitPolicies.Auth);
        open.MapPost("/register", RegisterAsync);
        open.MapPost("/login", LoginAsync)
            .Accepts<LoginRequest>("application/json", "application/x-www-form-urlencoded", "multipart/form-data");
        open.MapPost("/refresh", RefreshAsync).Accepts<RefreshRequest>(true, "application/json");
        open.MapPost("/logout", LogoutAsync).Accepts<RefreshRequest>(true, "application/json");
        group.MapGet("/me", UsersApi.GetMeAsync);
        return group;
    }

    private static async Task<Results<Created<RegisterResponse>, ErrorResult>> RegisterAsync(
        RegisterRequest request, ParleyDb db, UserAccounts accounts, TokenService tokens, IOptions<AuthOptions> options,
        TimeProvider clock, HttpContext http, DomainEvents events, ILogger<RegistrationRequestLog> logger, CancellationToken cancellationToken)
    {
        if (!options.Value.AllowSelfRegistration)
        {
            return ErrorResult.Forbidden("Self-registration is disabled; ask an administrator for an account.");
        }

        if (accounts.CheckPassword(request.Password) is { } passwordError)
        {
            return ErrorResult.Validation([passwordError]);
        }

        if (await accounts.FindByEmailAsync(request.Email!, cancellationToken) is { } owner)
        {
            return await RegistrationAttempts.AnswerAsync(owner, request, db, accounts, tokens, events, logger, cancellationToken);
        }

        if (await accounts.CheckUniqueAsync(null, request.Username, null, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The first account of a fresh install becomes its admin; the flag flips exactly once even
        // when two people register at the same moment.
        var now = clock.GetUtcNow().UtcDateTime;
        var becomesAdmin = await db.Tenants
            .Where(t => t.Id == Tenant.PlatformId && t.AdminBootstrappedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.AdminBootstrappedAt, now), cancellationToken) == 1;
        var user = accounts.Add(Tenant.PlatformId, request.Email!, request.Username, request.FullName ?? request.Name, request.Password!,
            becomesAdmin ? Roles.Admin : Roles.User, PlanNames.Free, verified: false);
        var pair = tokens.StartSession(user, http.Request.Headers.UserAgent, http.Connection.RemoteIpAddress?.ToString());
        if (await accounts.SaveAsync(cancellationToken) is { } saveError)
        {
            return saveError;
        }

        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/users/{user.Id}", RegisterResponse.For(user, pair, await db.PlanOfAsync(user.TenantId, cancellationToken)));
    }

    private static async Task<Results<Ok<LoginResponse>, ErrorResult>> LoginAsync(
        HttpRequest request, ParleyDb db, PasswordHashing hashing, TokenService tokens, LoginThrottle throttle,
        UserAccounts accounts, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (body, error) = await ReadBodyAsync<LoginRequest>(request, required: true,
            form => new LoginRequest(form["email"], form["username"], form["password"]), cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var login = (body!.Email ?? body.Username)?.Trim();
        var missing = new List<FieldError>();
        if (string.IsNullOrEmpty(login))
        {
            missing.Add(new FieldError("email", "Send email or username."));
        }

        if (string.IsNullOrEmpty(body.Password))
        {
            missing.Add(new FieldError("password", "Field required."));
        }

        if (missing.Count > 0)
        {
            return ErrorResult.Validation(missing);
        }

        var ip = request.HttpContext.Connection.RemoteIpAddress?.ToString();
        var normalized = User.Normalize(login!);
        var user = await db.Users.IgnoreQueryFilters()
            .FirstOrDefaultAsync(u => u.NormalizedEmail == normalized || u.NormalizedUsername == normalized, cancellationToken);
        var (reservation, blockedUntil) = await throttle.ReserveAsync(user?.Id, login!, ip, cancellationToken);
        if (blockedUntil is { } until)
        {
            request.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (long)(until - clock.GetUtcNow()).TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ErrorResult.TooManyRequests("Too many failed logins; try again later.");
        }

        var verdict = PasswordVerificationResult.Failed;
        if (user is null)
        {
            hashing.VerifyAgainstDummy(body.Password!);
        }
        else
        {
            verdict = hashing.Verify(user.PasswordHash, body.Password!);
        }

        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            return ErrorResult.Unauthorized("Incorrect email/username or password.");
        }

        await throttle.ReleaseAsync(reservation!, cancellationToken);
        var tenantActive = await db.Tenants.AnyAsync(t => t.Id == user.TenantId && t.IsActive, cancellationToken);
        if (!user.IsActive || !tenantActive)
        {
            return ErrorResult.Forbidden("This account is disabled.");
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            accounts.SetPassword(user, body.Password!);
        }

        user.LastLoginAt = clock.GetUtcNow().UtcDateTime;
        var pair = tokens.StartSession(user, request.Headers.UserAgent, ip);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new LoginResponse(pair.AccessToken, pair.RefreshToken, "bearer", pair.ExpiresIn, UserResponse.From(user, await db.PlanOfAsync(user.TenantId, cancellationToken))));
    }

    private static async Task<Results<Ok<TokenResponse>, ErrorResult>> RefreshAsync(
        HttpRequest request, CurrentUser me, ParleyDb db, TokenService tokens, CancellationToken cancellationToken)
    {
        var (body, error) = await ReadBodyAsync<RefreshRequest>(request, required: false, form => new RefreshRequest(form["refresh_token"]), cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (body?.RefreshToken is { Length: > 0 } refreshToken)
        {
            var (pair, user, problem) = await tokens.RotateAsync(refreshToken, cancellationToken);
            return pair is null
                ? ErrorResult.Unauthorized(problem!)
                : TypedResults.Ok(new TokenResponse(pair.AccessToken, pair.RefreshToken, "bearer", pair.ExpiresIn, UserResponse.From(user!, await db.PlanOfAsync(user!.TenantId, cancellationToken))));
        }

        // The Integration Platform document refreshes with the current access token as Bearer: a new access token for
        // the same (still active) session; the refresh token is not rotated.
        if (me.IsAuthenticated && me.SessionId is { } sessionId)
        {
            var current = await db.Users.FirstAsync(u => u.Id == me.RequiredUserId, cancellationToken);
            return TypedResults.Ok(new TokenResponse(tokens.CreateAccessToken(current, sessionId), null, "bearer", tokens.AccessTokenSeconds, UserResponse.From(current, await db.PlanOfAsync(current.TenantId, cancellationToken))));
        }

        return ErrorResult.Unauthorized("Send refresh_token in the body, or a valid access token as Bearer.");
    }

    private static async Task<Results<Ok<MessageResponse>, ErrorResult>> LogoutAsync(
        HttpRequest request, CurrentUser me, TokenService tokens, CancellationToken cancellationToken)
    {
        var (body, error) = await ReadBodyAsync<RefreshRequest>(request, required: false, form => new RefreshRequest(form["refresh_token"]), cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var sessionId = body?.RefreshToken is { Length: > 0 } token ? await tokens.FindSessionAsync(token, cancellationToken) : me.SessionId;
        if (sessionId is null)
        {
            return ErrorResult.Unauthorized("Send the refresh_token to revoke, or a valid access token as Bearer.");
        }

        await tokens.RevokeSessionAsync(sessionId.Value, "logout", cancellationToken);
        return TypedResults.Ok(new MessageResponse("Logged out."));
    }

    /// <summary>Reads JSON or form data into one record; other content types are a 415.</summary>
    private static async Task<(T? Body, ErrorResult? Error)> ReadBodyAsync<T>(HttpRequest request, bool required, Func<IFormCollection, T> fromForm, CancellationToken cancellationToken)
        where T : class
    {
        if (request.HasFormContentType)
        {
            var (form, unreadable) = await Infrastructure.Http.FormBodies.ReadAsync(request, null, cancellationToken);
            return form is null ? (null, unreadable) : (fromForm(form), null);
        }

        if (request.HasJsonContentType())
        {
            if (request.ContentLength == 0 && !required)
            {
                return (null, null);
            }

            var body = await request.ReadFromJsonAsync<T>(cancellationToken);
            return body is null && required ? (null, ErrorResult.Validation("body", "A JSON object is required.")) : (body, null);
        }

        if (!required && (request.ContentLength ?? 0) == 0 && request.ContentType is null)
        {
            return (null, null);
        }

        return (null, ErrorResult.Status(415, "Send application/json or form data."));
    }
}
