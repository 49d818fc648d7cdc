using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Pagination;
using Parley.Server.Infrastructure.Validation;
using Parley.Server.Storage;
using Parley.Server.Users;

namespace Parley.Server.ApiKeys;

public sealed record CreateApiKeyRequest(string? Name, string? Role, int? ExpiresInDays) : IValidatable
{
    public IEnumerable<FieldError> Validate()
    {
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 100)
        {
            yield return new FieldError("name", "Required, at most 100 characters.");
        }

        if (Role is not null && !Roles.All.Contains(Role))
        {
            yield return new FieldError("role", "One of: admin, agent, user.");
        }

        if (ExpiresInDays is < 1 or > 3650)
        {
            yield return new FieldError("expires_in_days", "From 1 to 3650.");
        }
    }
}

/// <summary><c>key</c> is present once, in the answer to its creation; only its hash is stored.</summary>
public sealed record ApiKeyResponse(Guid Id, string Name, string Prefix, string Role, Guid UserId, DateTime CreatedAt, DateTime? ExpiresAt, DateTime? LastUsedAt, DateTime? RevokedAt, string? Key)
{
    public static ApiKeyResponse From(ApiKey k, string? key = null) => new(k.Id, k.Name, k.Prefix, k.Role, k.UserId, k.CreatedAt, k.ExpiresAt, k.LastUsedAt, k.RevokedAt, key);
}

public static class ApiKeysApi
{
    private static readonly ListSpec<ApiKey> ListSpec = new ListSpec<ApiKey>(k => k.Id)
        .SortBy("created_at", k => k.CreatedAt, isDefault: true, defaultDescending: true)
        .SortBy("name", k => k.Name)
        .SortBy("last_used_at", k => k.LastUsedAt)
        .FilterBy("revoked", v => bool.TryParse(v, out var b) ? (b ? k => k.RevokedAt != null : k => k.RevokedAt == null) : null)
        .FilterBy("user_id", v => Guid.TryParse(v, out var id) ? k => k.UserId == id : null)
        .SearchBy(term => k => k.Name.Contains(term));

    public static RouteGroupBuilder MapApiKeys(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/api-keys").WithTags("API keys");
        group.MapPost("", CreateAsync);
        group.MapGet("", ListAsync);
        group.MapDelete("/{id:guid}", RevokeAsync);
        return group;
    }

    private static async Task<Results<Created<ApiKeyResponse>, ErrorResult>> CreateAsync(
        CreateApiKeyRequest request, ParleyDb db, CurrentUser me, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (me.Principal.FindFirst(ParleyClaims.AuthMethod)?.Value == "api_key")
        {
            return ErrorResult.Forbidden("API keys cannot create API keys; sign in as a user.");
        }

        var role = request.Role ?? me.Role;
        if (Roles.Rank(role) > Roles.Rank(me.Role))
        {
            return ErrorResult.Forbidden($"A key cannot have more rights than its owner ({me.Role}).");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var secret = TokenService.NewOpaqueToken(ApiKeyAuthenticationHandler.KeyPrefix);
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(),
            TenantId = me.RequiredTenantId,
            UserId = me.RequiredUserId,
            Name = request.Name!.Trim(),
            Prefix = secret[..12],
            KeyHash = TokenService.HashToken(secret),
            Role = role,
            CreatedAt = now,
            ExpiresAt = request.ExpiresInDays is { } days ? now.AddDays(days) : null,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/api-keys/{key.Id}", ApiKeyResponse.From(key, secret));
    }

    /// <summary>Your own keys; admins pass <c>all=true</c> to see every key of the tenant.</summary>
    private static Task<Results<PagedResult<ApiKeyResponse>, ErrorResult>> ListAsync(
        ParleyDb db, CurrentUser me, PageQuery query, bool? all, CancellationToken cancellationToken)
    {
        var keys = db.ApiKeys.AsNoTracking();
        if (!(all == true && me.IsAdmin))
        {
            keys = keys.Where(k => k.UserId == me.RequiredUserId);
        }

        return ListSpec.ToPageAsync(keys, query, k => ApiKeyResponse.From(k), cancellationToken);
    }

    private static async Task<Results<NoContent, ErrorResult>> RevokeAsync(
        Guid id, ParleyDb db, CurrentUser me, Infrastructure.Events.ICredentialRevocations sockets, TimeProvider clock, CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id && (me.IsAdmin || k.UserId == me.RequiredUserId), cancellationToken);
        if (key is null)
        {
            return ErrorResult.NotFound("API key");
        }

        key.RevokedAt ??= clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        await sockets.RevokeAsync(new Infrastructure.Events.Revocation(Infrastructure.Events.Revocation.ApiKey, key.Id, "api key revoked", key.UserId), cancellationToken);
        return TypedResults.NoContent();
    }
}
