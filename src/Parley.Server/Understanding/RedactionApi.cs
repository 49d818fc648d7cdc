using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Engine.Redaction;
using Parley.Server.Auth;
using Parley.Server.Infrastructure.Errors;
using Parley.Server.Storage;

namespace Parley.Server.Understanding;

/// <summary>
/// <c>/redaction/settings</c> (admin): which PII types the tenant's messages lose, how they are
/// masked, and values that are never redacted. Without settings the platform's <c>Parley:Redaction</c> applies.
/// </summary>
public static class RedactionApi
{
    public const int MaxAllowlistValueLength = 200;

    public static RouteGroupBuilder MapRedaction(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/redaction/settings").WithTags("Understanding").RequireAuthorization(AuthSetup.Policies.Admin);
        group.MapGet("", GetAsync);
        group.MapPut("", PutAsync);
        group.MapDelete("", ResetAsync);
        return group;
    }

    private static async Task<Ok<RedactionSettingsView>> GetAsync(
        ParleyDb db, CurrentUser me, IOptions<RedactionSettings> platform, CancellationToken cancellationToken)
    {
        var state = await db.Set<TenantUnderstandingState>().AsNoTracking()
            .Where(s => s.TenantId == me.RequiredTenantId).Select(s => new { s.Redaction, s.UpdatedAt }).FirstOrDefaultAsync(cancellationToken);
        var policy = RedactionStore.Read(state?.Redaction);
        return TypedResults.Ok(RedactionSettingsView.From(policy ?? PlatformPolicy(platform.Value), policy is null, policy is null ? null : state?.UpdatedAt));
    }

    private static async Task<Results<Ok<RedactionSettingsView>, ErrorResult>> PutAsync(
        RedactionSettingsRequest request, ParleyDb db, CurrentUser me, TenantUnderstanding understanding, IOptions<RedactionSettings> platform,
        IOptions<UnderstandingOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var defaults = PlatformPolicy(platform.Value);
        var enabled = request.EnabledTypes is null ? defaults.EnabledTypes : Types("enabled_types", request.EnabledTypes, errors);
        var disabled = request.DisabledTypes is null ? defaults.DisabledTypes : Types("disabled_types", request.DisabledTypes, errors);
        bool? masked = request.Masking switch
        {
            null => null,
            RedactionPolicy.Masked => true,
            RedactionPolicy.Placeholder => false,
            _ => Fail(errors, "masking", $"Must be '{RedactionPolicy.Placeholder}' or '{RedactionPolicy.Masked}'."),
        };
        if (masked is not null && request.UseMaskedValuesInText is not null && masked != request.UseMaskedValuesInText)
        {
            errors.Add(new FieldError("use_masked_values_in_text", "Contradicts masking."));
        }

        var allowlist = (request.Allowlist ?? []).Select(v => v?.Trim() ?? string.Empty).ToList();
        if (allowlist.Count > options.Value.MaxAllowlistValues)
        {
            errors.Add(new FieldError("allowlist", $"At most {options.Value.MaxAllowlistValues} values."));
        }

        if (allowlist.Any(v => v.Length is 0 or > MaxAllowlistValueLength))
        {
            errors.Add(new FieldError("allowlist", $"Values must be 1 to {MaxAllowlistValueLength} characters."));
        }

        if (errors.Count > 0)
        {
            return ErrorResult.Validation(errors);
        }

        var policy = new RedactionPolicy(enabled, disabled, masked ?? request.UseMaskedValuesInText ?? defaults.UseMaskedValuesInText,
            allowlist.Distinct(StringComparer.OrdinalIgnoreCase).ToList());
        var now = clock.GetUtcNow().UtcDateTime;
        var state = await UnderstandingStore.TouchAsync(db, me.RequiredTenantId, now, cancellationToken);
        state.Redaction = RedactionStore.Write(policy);
        if (await UnderstandingStore.SaveAsync(db, "The settings changed concurrently; try again.", cancellationToken) is { } conflict)
        {
            return conflict;
        }

        understanding.Invalidate(me.RequiredTenantId);
        return TypedResults.Ok(RedactionSettingsView.From(policy, false, now));
    }

    private static async Task<Results<NoContent, ErrorResult>> ResetAsync(
        ParleyDb db, CurrentUser me, TenantUnderstanding understanding, TimeProvider clock, CancellationToken cancellationToken)
    {
        var state = await UnderstandingStore.TouchAsync(db, me.RequiredTenantId, clock.GetUtcNow().UtcDateTime, cancellationToken);
        state.Redaction = null;
        if (await UnderstandingStore.SaveAsync(db, "The settings changed concurrently; try again.", cancellationToken) is { } conflict)
        {
            return conflict;
        }

        understanding.Invalidate(me.RequiredTenantId);
        return TypedResults.NoContent();
    }

    internal static RedactionPolicy PlatformPolicy(RedactionSettings settings) => new(
        settings.EnabledTypes is { Length: > 0 } enabled ? enabled.Select(t => PiiTypes.Normalize(t)!).ToList() : null,
        settings.DisabledTypes.Select(t => PiiTypes.Normalize(t)!).ToList(),
        settings.UseMaskedValuesInText,
        []);

    private static List<string> Types(string field, IReadOnlyList<string?> names, List<FieldError> errors)
    {
        var types = new List<string>();
        foreach (var name in names)
        {
            if (name is not null && PiiTypes.Normalize(name) is { } type)
            {
                types.Add(type);
            }
            else
            {
                errors.Add(new FieldError(field, $"Unknown PII type '{name}'. Known: {string.Join(", ", PiiTypes.All)}."));
            }
        }

        return types.Distinct().ToList();
    }

    private static bool? Fail(List<FieldError> errors, string field, string message)
    {
        errors.Add(new FieldError(field, message));
        return null;
    }
}

/// <summary>
/// Every field is optional; an omitted one takes the platform default. Type names are Presidio's
/// (<c>US_SSN</c>) or the HeliosCS document's (<c>ssn</c>). <c>masking</c> (<c>placeholder</c> | <c>masked</c>) and
/// <c>use_masked_values_in_text</c> say the same thing; either is accepted.
/// </summary>
public sealed record RedactionSettingsRequest(
    IReadOnlyList<string?>? EnabledTypes,
    IReadOnlyList<string?>? DisabledTypes,
    string? Masking,
    bool? UseMaskedValuesInText,
    IReadOnlyList<string?>? Allowlist);

public sealed record PiiTypeView(string Type, string ApiName);

public sealed record RedactionSettingsView(
    IReadOnlyList<string>? EnabledTypes,
    IReadOnlyList<string> DisabledTypes,
    IReadOnlyList<string> EffectiveTypes,
    string Masking,
    bool UseMaskedValuesInText,
    IReadOnlyList<string> Allowlist,
    IReadOnlyList<PiiTypeView> AvailableTypes,
    bool IsDefault,
    DateTime? UpdatedAt)
{
    private static readonly IReadOnlyList<PiiTypeView> Available = PiiTypes.All.Select(t => new PiiTypeView(t, PiiTypes.ToApiName(t))).ToList();

    public static RedactionSettingsView From(RedactionPolicy policy, bool isDefault, DateTime? updatedAt) => new(
        policy.EnabledTypes,
        policy.DisabledTypes,
        (policy.EnabledTypes ?? PiiTypes.All).Except(policy.DisabledTypes).ToList(),
        policy.Masking,
        policy.UseMaskedValuesInText,
        policy.Allowlist,
        Available,
        isDefault,
        updatedAt);
}
