using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Parley.Server.ApiKeys;
using Parley.Server.Storage;
using Parley.Server.Tenants;
using Parley.Server.Users;

namespace Parley.Server.Auth;

public static class AuthSetup
{
    public const string SchemeSelector = "Parley";

    public static class Policies
    {
        public const string Admin = "admin";
        public const string Agent = "agent";
        public const string PlatformAdmin = "platform-admin";
    }

    public static WebApplicationBuilder AddParleyAuth(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<PasswordHashing>();
        services.AddScoped<CurrentUser>();
        services.AddScoped<ITenantScope>(sp => sp.GetRequiredService<CurrentUser>());
        services.AddScoped<TokenService>();
        services.AddScoped<LoginThrottle>();
        services.AddScoped<UserAccounts>();
        services.AddSingleton<PrincipalCheck>();
        services.AddSingleton<ApiKeyLookup>();
        services.AddSingleton<IAuthorizationHandler, RoutedRequestsRequireUser>();

        // Data Protection keys (secrets at rest) are set up once, by AddParleySecrets.
        services.AddAuthentication(SchemeSelector)
            .AddPolicyScheme(SchemeSelector, "JWT or API key", o => o.ForwardDefaultSelector = ctx =>
                ApiKeyAuthenticationHandler.ReadKey(ctx.Request) is null ? JwtBearerDefaults.AuthenticationScheme : ApiKeyAuthenticationHandler.SchemeName)
            .AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);

        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SigningKeys, IOptions<AuthOptions>>((jwt, keys, auth) =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Value.Issuer,
                    ValidAudience = auth.Value.Audience,
                    IssuerSigningKey = keys.Key,
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidateLifetime = true,
                    ValidateIssuerSigningKey = true,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = ParleyClaims.UserId,
                    RoleClaimType = ParleyClaims.Role,
                };
                jwt.Events = new JwtBearerEvents { OnTokenValidated = CheckSessionAsync, OnMessageReceived = StreamQueryTokens.ReadAsync };
            });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().AddRequirements(new RoutedRequestsRequireUser()).Build())
            .AddPolicy(Policies.Admin, p => p.RequireAuthenticatedUser().RequireClaim(ParleyClaims.Role, Roles.Admin))
            .AddPolicy(Policies.Agent, p => p.RequireAuthenticatedUser().RequireClaim(ParleyClaims.Role, Roles.Admin, Roles.Agent))
            .AddPolicy(Policies.PlatformAdmin, p => p.RequireAuthenticatedUser()
                .RequireClaim(ParleyClaims.Role, Roles.Admin)
                .RequireClaim(ParleyClaims.TenantId, Tenant.PlatformId.ToString()));
        return builder;
    }

    private static async Task CheckSessionAsync(TokenValidatedContext context)
    {
        var principal = context.Principal!;
        if (!Guid.TryParse(principal.FindFirst(ParleyClaims.UserId)?.Value, out var userId)
            || !Guid.TryParse(principal.FindFirst(ParleyClaims.TenantId)?.Value, out var tenantId)
            || !Guid.TryParse(principal.FindFirst(ParleyClaims.SessionId)?.Value, out var sessionId))
        {
            context.Fail("Token lacks Parley's claims.");
            return;
        }

        var db = context.HttpContext.RequestServices.GetRequiredService<ParleyDb>();
        var check = context.HttpContext.RequestServices.GetRequiredService<PrincipalCheck>();
        var snapshot = await check.LoadAsync(db, userId, sessionId, context.HttpContext.RequestAborted);
        if (snapshot is null || snapshot.TenantId != tenantId)
        {
            context.Fail("The session was revoked or the account is no longer active.");
            return;
        }

        PrincipalCheck.Remember(context.HttpContext, snapshot);

        context.Principal = PrincipalCheck.Principal(userId, tenantId, snapshot.Role, sessionId, "pwd", JwtBearerDefaults.AuthenticationScheme);
    }
}
