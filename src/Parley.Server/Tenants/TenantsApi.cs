using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Infrastructure.Pagination;
using Parley.Server.Infrastructure.Validation;
using Parley.Server.Storage;
using Parley.Server.Users;

namespace Parley.Server.Tenants;

public sealed record TenantResponse(Guid Id, string Name, string Slug, string SubscriptionPlan, bool IsActive, bool IsPlatform, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static TenantResponse From(Tenant t) => new(t.Id, t.Name, t.Slug, t.SubscriptionPlan, t.IsActive, t.IsPlatform, t.CreatedAt, t.UpdatedAt);
}

public sealed record TenantAdminRequest(string? Email, string? Username, string? Password, string? FullName);

public sealed record CreateTenantRequest(string? Name, string? Slug, string? SubscriptionPlan, TenantAdminRequest? Admin) : IValidatable
{
    public IEnumerable<FieldError> Validate()
    {
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 200)
        {
            yield return new FieldError("name", "Required, at most 200 characters.");
        }

        if (Slug is not null && !TenantsApi.IsSlug(Slug))
        {
            yield return new FieldError("slug", "2-63 lower-case letters, digits or '-'.");
        }

        if (SubscriptionPlan is not null && !PlanNames.All.Contains(SubscriptionPlan))
        {
            yield return new FieldError("subscription_plan", "One of: free, pro, enterprise.");
        }

        if (Admin is not null)
        {
            foreach (var e in UserRules.Profile(Admin.Email, emailRequired: true, Admin.Username, Admin.FullName, "admin."))
            {
                yield return e;
            }
        }
    }
}

public sealed record UpdateTenantRequest(string? Name, string? SubscriptionPlan, bool? IsActive) : IValidatable
{
    public IEnumerable<FieldError> Validate()
    {
        if (Name is not null && (Name.Trim().Length == 0 || Name.Length > 200))
        {
            yield return new FieldError("name", "1-200 characters.");
        }

        if (SubscriptionPlan is not null && !PlanNames.All.Contains(SubscriptionPlan))
        {
            yield return new FieldError("subscription_plan", "One of: free, pro, enterprise.");
        }
    }
}

/// <summary>Tenants are managed by admins of the platform tenant; everyone else sees only their own.</summary>
public static class TenantsApi
{
    private static readonly ListSpec<Tenant> ListSpec = new ListSpec<Tenant>(t => t.Id)
        .SortBy("created_at", t => t.CreatedAt, isDefault: true)
        .SortBy("name", t => t.Name)
        .SortBy("slug", t => t.Slug)
        .FilterBy("subscription_plan", v => PlanNames.All.Contains(v) ? t => t.SubscriptionPlan == v : null)
        .FilterBy("is_active", v => bool.TryParse(v, out var b) ? t => t.IsActive == b : null)
        .SearchBy(term => t => t.Name.ToUpper().Contains(term.ToUpperInvariant()) || t.Slug.Contains(term.ToLowerInvariant()));

    public static RouteGroupBuilder MapTenants(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/tenants").WithTags("Tenants");
        group.MapGet("/current", GetCurrentAsync);
        group.MapGet("/{id:guid}", GetAsync);
        group.MapGet("", ListAsync).RequireAuthorization(AuthSetup.Policies.PlatformAdmin);
        group.MapPost("", CreateAsync).RequireAuthorization(AuthSetup.Policies.PlatformAdmin);
        group.MapPut("/{id:guid}", UpdateAsync).RequireAuthorization(AuthSetup.Policies.PlatformAdmin);
        return group;
    }

    public static bool IsSlug(string value) => value is { Length: >= 2 and <= 63 } && value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    private static async Task<Results<Ok<TenantResponse>, ErrorResult>> GetCurrentAsync(ParleyDb db, CurrentUser me, CancellationToken cancellationToken)
        => await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == me.RequiredTenantId, cancellationToken) is { } tenant
            ? TypedResults.Ok(TenantResponse.From(tenant))
            : ErrorResult.NotFound("Tenant");

    private static async Task<Results<Ok<TenantResponse>, ErrorResult>> GetAsync(Guid id, ParleyDb db, CurrentUser me, CancellationToken cancellationToken)
    {
        if (id != me.TenantId && !me.IsPlatformAdmin)
        {
            return ErrorResult.NotFound("Tenant");
        }

        return await db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken) is { } tenant
            ? TypedResults.Ok(TenantResponse.From(tenant))
            : ErrorResult.NotFound("Tenant");
    }

    private static Task<Results<PagedResult<TenantResponse>, ErrorResult>> ListAsync(ParleyDb db, PageQuery query, CancellationToken cancellationToken)
        => ListSpec.ToPageAsync(db.Tenants.AsNoTracking(), query, TenantResponse.From, cancellationToken);

    private static async Task<Results<Created<TenantResponse>, ErrorResult>> CreateAsync(
        CreateTenantRequest request, ParleyDb db, UserAccounts accounts, TimeProvider clock, CancellationToken cancellationToken)
    {
        var slug = request.Slug ?? Slugify(request.Name!);
        if (await db.Tenants.AnyAsync(t => t.Slug == slug, cancellationToken))
        {
            return ErrorResult.Conflict($"A tenant with slug '{slug}' exists.");
        }

        if (request.Admin is { } admin)
        {
            if (accounts.CheckPassword(admin.Password, "admin.password") is { } weak)
            {
                return ErrorResult.Validation([weak]);
            }

            if (await accounts.CheckUniqueAsync(admin.Email, admin.Username, null, cancellationToken) is { } conflict)
            {
                return conflict;
            }
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var tenant = new Tenant
        {
            Id = Guid.CreateVersion7(),
            Name = request.Name!.Trim(),
            Slug = slug,
            SubscriptionPlan = request.SubscriptionPlan ?? PlanNames.Free,
            CreatedAt = now,
            UpdatedAt = now,
            AdminBootstrappedAt = request.Admin is null ? null : now,
        };
        db.Tenants.Add(tenant);
        if (request.Admin is { } first)
        {
            accounts.Add(tenant.Id, first.Email!, first.Username, first.FullName, first.Password!, Roles.Admin, tenant.SubscriptionPlan, verified: true);
        }

        return await accounts.SaveAsync(cancellationToken) is { } error
            ? error
            : TypedResults.Created($"/api/v1/tenants/{tenant.Id}", TenantResponse.From(tenant));
    }

    private static async Task<Results<Ok<TenantResponse>, ErrorResult>> UpdateAsync(
        Guid id, UpdateTenantRequest request, ParleyDb db, PrincipalCheck principals, Infrastructure.Events.ICredentialRevocations sockets, TimeProvider clock, CancellationToken cancellationToken)
    {
        var tenant = await db.Tenants.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (tenant is null)
        {
            return ErrorResult.NotFound("Tenant");
        }

        if (tenant.IsPlatform && request.IsActive == false)
        {
            return ErrorResult.Conflict("The platform tenant cannot be deactivated.");
        }

        tenant.Name = request.Name?.Trim() ?? tenant.Name;
        tenant.SubscriptionPlan = request.SubscriptionPlan ?? tenant.SubscriptionPlan;
        var deactivated = tenant.IsActive && request.IsActive == false;
        tenant.IsActive = request.IsActive ?? tenant.IsActive;
        tenant.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        // Deactivating a tenant must lock its people out now, not when cached checks expire.
        principals.ForgetAll();
        if (deactivated)
        {
            await sockets.RevokeAsync(new Infrastructure.Events.Revocation(Infrastructure.Events.Revocation.Tenant, tenant.Id, "tenant deactivated"), cancellationToken);
        }

        return TypedResults.Ok(TenantResponse.From(tenant));
    }

    private static string Slugify(string name)
    {
        var slug = new StringBuilder();
        foreach (var c in name.Trim().ToLowerInvariant())
        {
            slug.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }

        var value = string.Join('-', slug.ToString().Split('-', StringSplitOptions.RemoveEmptyEntries));
        value = value.Length > 50 ? value[..50] : value;
        return value.Length < 2 ? "tenant-" + Guid.NewGuid().ToString("N")[..8] : value;
    }
}
